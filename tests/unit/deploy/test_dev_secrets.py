"""The development secrets compose falls back on are usable and documented."""

import hashlib
import json
import re

from tests.unit.deploy.files import COMPOSE_FILE, REPO, compose, environment

DOCS = REPO / "docs" / "deploy.md"


def test_the_documented_dev_token_is_the_one_the_dev_tokens_file_accepts() -> None:
    tokens_file = REPO / compose()["secrets"]["ingest_tokens"]["file"]
    (token,) = re.findall(r"Bearer (\S+?)`", DOCS.read_text(encoding="utf-8"))

    entries = json.loads(tokens_file.read_text(encoding="utf-8"))

    assert [entry["sha256"] for entry in entries] == [hashlib.sha256(token.encode()).hexdigest()]
    assert entries[0]["role"] == "facilitator"


def test_every_default_secret_is_obviously_for_development_and_documented() -> None:
    defaults = dict(re.findall(r"\$\{(\w+):-([^}]*)\}", COMPOSE_FILE.read_text(encoding="utf-8")))
    docs = DOCS.read_text(encoding="utf-8")

    key = environment("ingest")["INGEST_PSEUDONYMISATION_KEY"]

    assert len(key) >= 32
    assert "not-for-production" in key
    for variable, default in defaults.items():
        assert f"`{variable}` | `{default}`" in docs, variable
