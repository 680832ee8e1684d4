"""The loader: the reference dataset through ingest's public entry points, every answer checked.

`plan` (pure) cuts the stream into steps and picks each submission's entry point;
`documents` (pure) writes the CSV and DECP files a facilitator uploads; `ingest_http` and
`raw_topic` are the HTTP and Kafka doors; `answers` (pure) compares what ingest answered
with what the dataset expects; `feed` sends the steps and reports; `progress` draws the bar.
`python -m reference_dataset.loader` runs it.
"""
