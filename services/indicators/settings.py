"""The indicators service's settings (environment prefix INDICATORS_), read by bootstrap.py only."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings
from shared.topics import CLAUSE_AGGREGATES, INDICATOR_SNAPSHOTS, MARKETS

DEFAULT_TARGETS = Path(__file__).parent / "domain" / "targets.toml"


class IndicatorsSettings(ServiceSettings):
    """Where to listen, which topics to read and write, the targets and the privacy threshold."""

    model_config = SettingsConfigDict(env_prefix="INDICATORS_", extra="ignore", frozen=True)

    host: str = "127.0.0.1"
    port: int = Field(default=8003, ge=0, le=65535)
    client_id: str = "indicators"
    aggregates_topic: str = CLAUSE_AGGREGATES.name
    markets_topic: str = MARKETS.name
    snapshots_topic: str = INDICATOR_SNAPSHOTS.name
    targets_file: Path = DEFAULT_TARGETS
    suppression_threshold: int = Field(
        default=5, ge=1, description="Smallest number of people a published cell may count"
    )
    snapshot_interval_seconds: float = Field(
        default=0.2, gt=0, description="How often changed indicators are published as snapshots"
    )
    publish_snapshots: bool = True
    access_log: bool = Field(
        default=False, description="Log every Kafka batch and HTTP request (noisy under load)"
    )
