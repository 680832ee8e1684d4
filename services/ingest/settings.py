"""Settings of the ingest service (env prefix INGEST_), read only by the composition root."""

from decimal import Decimal
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from services.ingest.domain.plausibility import AMOUNT_CEILING
from shared.settings import ServiceSettings
from shared.topics import DEAD_LETTER, MARKETS, RAW_SUBMISSIONS

# French working-time law: at most 48 hours in one week (Code du travail, L3121-20);
# 48 h x 52 weeks / 12 months = 208 h is the most one person can lawfully work in a month.
LEGAL_MONTHLY_CEILING = Decimal(48 * 52) / 12


class IngestSettings(ServiceSettings):
    """Everything ingest needs to run; the pseudonymisation key has no default on purpose."""

    model_config = SettingsConfigDict(env_prefix="INGEST_", extra="ignore", frozen=True)

    pseudonymisation_key: SecretStr = Field(
        description="HMAC-SHA256 key of the beneficiary pseudonyms (at least 32 characters)"
    )
    tokens_file: Path | None = Field(default=None, description="JSON or TOML file of tokens")
    tokens: str = Field(default="", description="JSON list of tokens, added to the file's")
    monthly_hours_ceiling: Decimal = Field(default=LEGAL_MONTHLY_CEILING, gt=0)
    max_lines_per_report: int = Field(default=5000, gt=0, le=10_000)
    earliest_year: int = Field(
        default=2000,
        ge=1900,
        le=2100,
        description="No period, contract date or notification before 1 January of this year",
    )
    latest_years_ahead: int = Field(
        default=1,
        ge=0,
        le=10,
        description="No contract start or notification after 31 December of the current year "
        "plus this (periods may not be in the future at all)",
    )
    contract_end_years_ahead: int = Field(
        default=5,
        ge=0,
        le=50,
        description="No contract end after 31 December of the current year plus this",
    )
    max_amount_ht: Decimal = Field(
        default=AMOUNT_CEILING, gt=0, description="No amount (EUR HT) above this"
    )
    max_body_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    raw_max_message_bytes: int = Field(
        default=1024 * 1024, gt=0, description="A raw submission above this is dead-lettered"
    )
    raw_topic_max_message_bytes: int = Field(
        default=8 * 1024 * 1024,
        gt=0,
        description="max.message.bytes of the raw and dead-letter topics (what the broker takes)",
    )
    raw_retention_ms: int = Field(
        default=7 * 24 * 3600 * 1000, description="How long raw submissions stay on their topic"
    )
    dead_letter_retention_ms: int = Field(
        default=DEAD_LETTER.retention_ms,
        gt=0,
        description="How long dead letters stay on their topic (bounded: never forever)",
    )
    raw_group_id: str = "ingest-raw"
    raw_batch_size: int = Field(default=1000, gt=0)
    raw_topic: str = RAW_SUBMISSIONS.name
    dead_letter_topic: str = DEAD_LETTER.name
    markets_topic: str = MARKETS.name
    access_log: bool = Field(default=False, description="Log every Kafka message (slow)")
    clauses_url: str = Field(
        default="http://127.0.0.1:8002", description="The clauses service's HTTP API (web pages)"
    )
    web_session_key: SecretStr | None = Field(
        default=None,
        description="HMAC key of the web pages' cookies (default: derived from the "
        "pseudonymisation key)",
    )
    web_session_minutes: int = Field(default=8 * 60, gt=0, description="A web session's life")
    host: str = "127.0.0.1"
    port: int = 8001

    @field_validator("pseudonymisation_key")
    @classmethod
    def _long_enough(cls, key: SecretStr) -> SecretStr:
        if len(key.get_secret_value()) < 32:
            raise ValueError("the pseudonymisation key must have at least 32 characters")
        return key
