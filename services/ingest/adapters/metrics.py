"""Ingest's own metrics, on an explicit registry (never the global one)."""

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class IngestMetrics:
    """Accepted and rejected submissions, publish latency, dead letters, read-model lag."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self.events_accepted = Counter(
            "ingest_events_accepted_total",
            "Events accepted (published, or identical to a published version), by type",
            ["event_type", "source"],
            registry=registry,
        )
        self.events_published = Counter(
            "ingest_events_published_total",
            "Events acknowledged by the broker, by type",
            ["event_type", "source"],
            registry=registry,
        )
        self.rejected = Counter(
            "ingest_submissions_rejected_total",
            "Submissions refused, by the event type they declared and the reason code",
            ["event_type", "reason", "source"],
            registry=registry,
        )
        self.publish_latency = Histogram(
            "ingest_publish_latency_seconds",
            "From sending a submission's events to the broker's acknowledgement of all of them",
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=registry,
        )
        self.dead_letters = Counter(
            "ingest_dead_letters_total",
            "Raw submissions sent to the dead-letter topic, by reason",
            ["reason"],
            registry=registry,
        )
        self.markets_lag = Gauge(
            "ingest_markets_read_model_lag_messages",
            "Messages of the markets topic not yet folded into the holders read model",
            registry=registry,
        )
