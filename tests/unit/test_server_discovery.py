"""A missing server fails the run in CI and is skipped, with its reason, elsewhere."""

import pytest

from tests.servers import unavailable


def test_a_missing_server_fails_loudly_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")

    with pytest.raises(pytest.fail.Exception, match="Kafka is required but could not be had"):
        unavailable("Kafka", "no broker")


def test_a_missing_server_is_skipped_with_its_reason_outside_ci(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CI", raising=False)

    with pytest.raises(pytest.skip.Exception, match=r"PostgreSQL is required.*set DATABASE_URL"):
        unavailable("PostgreSQL", "set DATABASE_URL")
