"""Container healthcheck: exit 0 when the URL answers 200, else 1 (standard library only).

The URL is the first argument, else HEALTHCHECK_URL; python:3.11-slim has no curl or wget.
"""

import os
import sys
import urllib.error
import urllib.request

DEFAULT_TIMEOUT_SECONDS = 3.0


def healthy(url: str, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> bool:
    """True when a GET on the URL answers 200 within the timeout."""
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"healthcheck URL must start with http:// or https://, got {url!r}")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (checked)
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def main(argv: list[str]) -> int:
    """Exit status for Docker: 0 healthy, 1 unhealthy, 2 misconfigured."""
    url = argv[0] if argv else os.environ.get("HEALTHCHECK_URL", "")
    if not url:
        print("usage: healthcheck.py URL (or set HEALTHCHECK_URL)", file=sys.stderr)
        return 2
    try:
        ok = healthy(url)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    if not ok:
        print(f"unhealthy: {url}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
