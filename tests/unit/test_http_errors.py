"""Malformed requests to the read APIs are answered in French, naming the parameter."""

from typing import Annotated, Any

from fastapi import FastAPI, Query
from fastapi.testclient import TestClient

from shared.http_errors import french_message, install_french_validation_errors


def test_each_kind_of_error_says_what_was_expected_in_french() -> None:
    cases: list[dict[str, Any]] = [
        {"type": "int_parsing"},
        {"type": "less_than_equal", "ctx": {"le": 2100}},
        {"type": "enum", "ctx": {"expected": "'social', 'economic'"}},
        {"type": "something_new"},
    ]

    messages = [french_message(case) for case in cases]

    assert messages == [
        "nombre entier attendu (chiffres 0 à 9)",
        "doit être inférieur ou égal à 2100",
        "valeur inconnue ; valeurs acceptées : 'social', 'economic'",
        "valeur invalide",
    ]


def test_a_malformed_parameter_is_named_and_never_echoed() -> None:
    app = FastAPI()

    @app.get("/v1/things")
    def things(year: Annotated[int, Query(le=2100)]) -> int:
        return year

    install_french_validation_errors(app)

    answer = TestClient(app).get("/v1/things", params={"year": "<script>"})

    assert answer.status_code == 422
    assert (
        answer.json()["detail"] == "Requête refusée : year : nombre entier attendu (chiffres 0 à 9)"
    )
    assert answer.json()["errors"][0]["location"] == "query.year"
    assert "<script>" not in answer.text
