"""The web pages' signed cookies: genuine and fresh, or absent."""

from services.ingest.entrypoints.web.session import Signer, same


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_session_reads_back_with_its_token_hash_and_csrf_value() -> None:
    signer = Signer(b"k" * 32, lifetime_s=3600, clock=Clock())
    session, cookie = signer.new_session("ab" * 32)

    assert signer.session(cookie) == session
    assert "ab" * 32 not in cookie


def test_an_expired_session_is_no_session() -> None:
    clock = Clock()
    signer = Signer(b"k" * 32, lifetime_s=3600, clock=clock)
    _, cookie = signer.new_session("ab" * 32)
    clock.now += 3601

    assert signer.session(cookie) is None


def test_a_cookie_signed_with_another_key_is_no_session() -> None:
    clock = Clock()
    _, cookie = Signer(b"a" * 32, lifetime_s=3600, clock=clock).new_session("ab" * 32)

    assert Signer(b"b" * 32, lifetime_s=3600, clock=clock).session(cookie) is None


def test_garbage_is_no_session_and_no_csrf_value() -> None:
    signer = Signer(b"k" * 32, lifetime_s=3600, clock=Clock())

    for value in (None, "", "x", "a.b.c", "!!!.???", "e30.AAAA"):
        assert signer.session(value) is None
        assert signer.csrf(value) is None


def test_a_csrf_value_matches_only_itself() -> None:
    signer = Signer(b"k" * 32, lifetime_s=3600, clock=Clock())
    value, cookie = signer.new_csrf()

    assert signer.csrf(cookie) == value
    assert same(value, value)
    assert not same(value, value + "x")
    assert not same(None, None)
    assert not same("", "")


def test_every_session_gets_its_own_id_for_the_server_side_record() -> None:
    signer = Signer(b"k" * 32, lifetime_s=3600, clock=Clock())
    first, cookie = signer.new_session("ab" * 32)
    second, _ = signer.new_session("ab" * 32)

    read = signer.session(cookie)

    assert read is not None
    assert read.id == first.id
    assert first.id != second.id
    assert len(first.id) >= 32


def test_a_cookie_signed_before_sessions_had_ids_is_no_session() -> None:
    signer = Signer(b"k" * 32, lifetime_s=3600, clock=Clock())
    earlier = signer._sign({"h": "ab" * 32, "e": 1_700_003_600.0, "c": "csrf"})

    assert signer.session(earlier) is None
