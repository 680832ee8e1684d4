"""Secrets in query strings are redacted from every log record (shared/log_redaction.py)."""

import logging
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared import log_redaction
from shared.log_redaction import REDACTED, redact_query, redact_record, sensitive

VALUES = st.text(alphabet=string.ascii_letters + string.digits + "-._~%+", min_size=8)
NAMES = st.sampled_from(
    [
        "access_token",
        "token",
        "jeton",
        "api_key",
        "apiKey",
        "password",
        "client_secret",
        "session",
        "csrf",
        "code",
        "Authorization",
        "X-Amz-Signature",
        "access%5Ftoken",
    ]
)


@given(name=NAMES, value=VALUES, before=st.booleans(), after=st.booleans())
def test_the_value_of_a_sensitive_parameter_never_survives(
    name: str, value: str, before: bool, after: bool
) -> None:
    query = "&".join(
        [*(["year=2023"] if before else []), f"{name}={value}", *(["a=b"] if after else [])]
    )
    line = f'127.0.0.1:5000 - "GET /v1/indicators?{query} HTTP/1.1" 200'

    redacted = redact_query(line)

    assert f"={value}" not in redacted
    assert f"{name}={REDACTED}" in redacted
    assert ("year=2023" in redacted) is before
    assert ("a=b" in redacted) is after


@pytest.mark.parametrize(
    "text",
    [
        "GET /v1/indicators?year=2023&axis=social HTTP/1.1",
        "no query string here",
        "markets_lag=3 (a log message, not a query)",
        "/v1/markets/M-1/clause",
    ],
)
def test_text_without_a_sensitive_parameter_is_left_as_it_is(text: str) -> None:
    assert redact_query(text) == text


def test_names_that_carry_secrets_are_recognised_and_others_not() -> None:
    assert all(sensitive(n) for n in ("access_token", "JETON", "api%5Fkey", "sessionid"))
    assert not any(sensitive(n) for n in ("year", "axis", "format", "suite", "market_id"))


def test_uvicorn_access_records_are_redacted_in_their_arguments() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:1", "GET", "/health?access_token=abc123", "1.1", 200),
        None,
    )

    redact_record(record)

    assert record.args == ("127.0.0.1:1", "GET", f"/health?access_token={REDACTED}", "1.1", 200)
    assert "abc123" not in record.getMessage()


def test_once_installed_every_logger_writes_redacted_lines(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(log_redaction, "_installed", False)
    factory = logging.getLogRecordFactory()
    try:
        log_redaction.install_log_redaction()
        log_redaction.install_log_redaction()  # twice changes nothing
        with caplog.at_level(logging.INFO):
            logging.getLogger("services.ingest.test").info("refused %s", "/ui?jeton=xyz987")
            logging.getLogger("any.library").warning("url /p?token=qwe456&x=1")
    finally:
        logging.setLogRecordFactory(factory)

    assert "xyz987" not in caplog.text
    assert "qwe456" not in caplog.text
    assert caplog.text.count(REDACTED) == 2
