"""`python -m deploy.stack.dev_secrets DIR`: development secrets for `make up`, made once.

Writes into DIR (git-ignored), keeping what is already there: a random pseudonymisation
key, a random facilitator token, and the tokens file ingest reads (the token's SHA-256
only). Nothing here is ever committed; production secrets come from elsewhere.
"""

import hashlib
import json
import secrets
import sys
from pathlib import Path

KEY_FILE = "pseudonymisation.key"
TOKEN_FILE = "facilitator.token"  # noqa: S105 (a file name)
TOKENS_FILE = "tokens.json"


def _secret(path: Path, prefix: str) -> str:
    if not path.exists():
        path.write_text(prefix + secrets.token_urlsafe(32) + "\n", encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def ensure(directory: Path) -> None:
    """Create the key, the token and the tokens file when missing."""
    directory.mkdir(parents=True, exist_ok=True)
    _secret(directory / KEY_FILE, "dev-key-")
    token = _secret(directory / TOKEN_FILE, "dev-token-")
    entries = [
        {
            "name": "make-up-facilitator",
            "role": "facilitator",
            "sha256": hashlib.sha256(token.encode()).hexdigest(),
        }
    ]
    (directory / TOKENS_FILE).write_text(json.dumps(entries, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    """Entry point."""
    if len(argv) != 1:
        print("usage: python -m deploy.stack.dev_secrets DIR", file=sys.stderr)
        return 2
    ensure(Path(argv[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
