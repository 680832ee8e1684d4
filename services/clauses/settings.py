"""The clauses service's settings (environment prefix CLAUSES_)."""

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class ClausesSettings(ServiceSettings):
    """Where Kafka and the database are, and how the ledger consumes."""

    model_config = SettingsConfigDict(env_prefix="CLAUSES_", extra="ignore", frozen=True)

    kafka_bootstrap_servers: str = Field(
        default="127.0.0.1:9092",
        validation_alias=AliasChoices(
            "CLAUSES_KAFKA_BOOTSTRAP_SERVERS", "kafka_bootstrap_servers", "KAFKA_BOOTSTRAP_SERVERS"
        ),
    )
    database_url: str = Field(
        default="sqlite:///./clauses.db",
        validation_alias=AliasChoices("CLAUSES_DATABASE_URL", "database_url", "DATABASE_URL"),
    )
    topic_prefix: str = Field(
        default="", description="Prepended to every topic name (isolated test and bench runs)"
    )
    group_id: str = "clauses"
    exactly_once: bool = Field(
        default=True, description="False: commit offsets to Kafka after the database (comparison)"
    )
    max_batch: int = Field(default=5000, gt=0, description="Records applied per transaction")
    tick_seconds: float = Field(default=60, gt=0, description="How often the clock is checked")
    suppression_threshold: int = Field(
        default=5, ge=2, description="People counts below this are hidden (shared.privacy)"
    )
    http_host: str = "127.0.0.1"
    http_port: int = 8002
