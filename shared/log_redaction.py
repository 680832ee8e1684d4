"""Log lines never hold a secret passed in a query string (`?access_token=…`, `&jeton=…`).

Every log record is redacted when it is made (a record factory, so uvicorn's access log, the
services' own loggers and the libraries' alike, whatever their handlers): the value of any
query parameter whose name looks sensitive is replaced by `[REDACTED]`, in the message and in
its string arguments (uvicorn's access formatter reads the path from the arguments).
"""

import logging
import re
from typing import Any
from urllib.parse import unquote

REDACTED = "[REDACTED]"
# a parameter is sensitive when its name (lower case, %-decoded) contains one of these
SENSITIVE = (
    "token",
    "jeton",
    "key",
    "secret",
    "passw",
    "pwd",
    "auth",
    "session",
    "csrf",
    "signature",
    "credential",
    "cookie",
    "code",
)
PAIR = re.compile(r"(?P<lead>[?&;])(?P<name>[^=&;?#\s\"'<>]+)=(?P<value>[^&;#\s\"'<>]*)")
_installed = False


def sensitive(name: str) -> bool:
    """Whether a query parameter's name looks like it carries a secret."""
    lowered = unquote(unquote(name)).lower()
    return any(word in lowered for word in SENSITIVE)


def redact_query(text: str) -> str:
    """The text with the values of its query strings' sensitive parameters replaced."""
    if "=" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        if not sensitive(match["name"]) or not match["value"]:
            return match[0]
        return f"{match['lead']}{match['name']}={REDACTED}"

    return PAIR.sub(replace, text)


def _redacted(value: Any) -> Any:
    return redact_query(value) if isinstance(value, str) else value


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """The record with its message and string arguments redacted (in place)."""
    record.msg = _redacted(record.msg)
    if isinstance(record.args, tuple):
        record.args = tuple(_redacted(arg) for arg in record.args)
    elif isinstance(record.args, dict):
        record.args = {key: _redacted(arg) for key, arg in record.args.items()}
    return record


def install_log_redaction() -> None:
    """Redact every log record from now on (once per process; a composition root calls it)."""
    global _installed
    if _installed:
        return
    make = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(make(*args, **kwargs))

    logging.setLogRecordFactory(factory)
    _installed = True
