"""Settings common to every service; each service subclasses with its own env prefix."""

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """Where Kafka and the database are; read once, by a service's composition root."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    kafka_bootstrap_servers: str = Field(
        default="127.0.0.1:9092",
        validation_alias=AliasChoices("kafka_bootstrap_servers", "KAFKA_BOOTSTRAP_SERVERS"),
    )
    database_url: str = Field(
        default="sqlite:///./insertion-hours.db",
        validation_alias=AliasChoices("database_url", "DATABASE_URL"),
    )
    # HTTP server timeouts (shared.http_server), e.g. INGEST_HTTP_HEAD_TIMEOUT_S
    http_keep_alive_s: int = Field(
        default=5, gt=0, description="An idle keep-alive connection is closed after this"
    )
    http_head_timeout_s: float = Field(
        default=10.0, gt=0, description="A request's head must arrive within this (slowloris)"
    )
    http_body_timeout_s: float = Field(
        default=120.0, gt=0, description="A request's body must arrive within this of its head"
    )
