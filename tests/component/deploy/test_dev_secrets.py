"""`make up`'s development secrets: made once, kept, and the tokens file is what ingest reads."""

from pathlib import Path

from deploy.stack.dev_secrets import KEY_FILE, TOKEN_FILE, TOKENS_FILE, ensure
from services.ingest.adapters.tokens import load_tokens
from services.ingest.domain.access import Role
from services.ingest.settings import IngestSettings


def test_the_token_made_is_a_facilitators_for_ingest(tmp_path: Path) -> None:
    ensure(tmp_path)

    token = (tmp_path / TOKEN_FILE).read_text().strip()
    principal = load_tokens(tmp_path / TOKENS_FILE, "").authenticate(token)
    key = (tmp_path / KEY_FILE).read_text().strip()
    assert principal is not None
    assert principal.role is Role.FACILITATOR
    assert IngestSettings(pseudonymisation_key=key).pseudonymisation_key.get_secret_value() == key
    assert (tmp_path / KEY_FILE).stat().st_mode & 0o077 == 0


def test_a_second_run_keeps_the_key_and_the_token(tmp_path: Path) -> None:
    ensure(tmp_path)
    first = {name: (tmp_path / name).read_text() for name in (KEY_FILE, TOKEN_FILE)}

    ensure(tmp_path)

    assert {name: (tmp_path / name).read_text() for name in (KEY_FILE, TOKEN_FILE)} == first


def test_two_machines_get_different_secrets(tmp_path: Path) -> None:
    ensure(tmp_path / "a")
    ensure(tmp_path / "b")

    assert (tmp_path / "a" / KEY_FILE).read_text() != (tmp_path / "b" / KEY_FILE).read_text()
    assert (tmp_path / "a" / TOKEN_FILE).read_text() != (tmp_path / "b" / TOKEN_FILE).read_text()
