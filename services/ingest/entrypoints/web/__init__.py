"""The facilitators' web pages (French, server-rendered), served by ingest under /ui/."""
