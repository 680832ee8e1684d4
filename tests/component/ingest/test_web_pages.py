"""The facilitators' pages: sign-in, CSRF, cookies, upload, history, market page, template."""

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from harness.builders import HOLDER_SIRET, OTHER_SIRET, TOKENS, a_market_submission, an_hours_csv
from services.ingest.application.ports import ClausesUnavailableError, Overview
from services.ingest.bootstrap import build_service, create_app
from services.ingest.domain.hours_csv import COLUMNS, HEADER_OF, REQUIRED, simplify
from services.ingest.entrypoints.web.session import SESSION_COOKIE
from shared.kafka import make_broker
from shared.topics import MONTHLY_HOURS, WORK_CONTRACTS
from tests.component.ingest.conftest import FACILITATOR, NOW, FakeClauses, Web, settings_for
from tests.component.ingest.html_tables import table_rows

MARKET = "2023-0042"


async def with_market(web: Web, market_id: str = MARKET, siret: str = HOLDER_SIRET) -> None:
    holders = [{"siret": siret, "is_sme": True, "in_territory": True}]
    market = a_market_submission(market_id=market_id, holders=holders).model_dump(mode="json")
    response = await web.api.post("/v1/markets", json=market, headers=FACILITATOR)
    assert response.status_code == 202


async def upload(web: Web, document: bytes, csrf: str | None = None) -> httpx.Response:
    token = csrf if csrf is not None else await web.csrf()
    files = {"file": ("heures-juin.csv", document, "text/csv")}
    return await web.client.post("/ui/depot", data={"csrf": token}, files=files)


def an_overview(market_id: str = MARKET, realised: str = "120") -> Overview:
    return Overview.model_validate(
        {
            "market_id": market_id,
            "category": "works",
            "notified": "2023-03",
            "duration_months": 24,
            "commitment": {"hours_per_10k_eur_ht": "10", "min_hours_per_year": "150"},
            "clause": {
                "as_of_period": "2023-06",
                "hours_owed": "300",
                "hours_realised": realised,
                "status": "behind",
            },
            "months": [
                {"period": "2023-05", "insertion_hours": "40", "training_hours": "0"},
                {"period": "2023-06", "insertion_hours": "80", "training_hours": "2"},
            ],
            "beneficiaries": {
                "threshold": 5,
                "total": {"value": "all", "count": 6, "suppressed": False},
                "by_gender": [
                    {"value": "female", "count": None, "suppressed": True},
                    {"value": "male", "count": None, "suppressed": True},
                ],
                "by_contract_type": [{"value": "cddi", "count": 6, "suppressed": False}],
            },
        }
    )


async def test_the_sign_in_page_is_french_with_a_labelled_field_and_a_skip_link(web: Web) -> None:
    page = await web.client.get("/ui/connexion")

    assert page.status_code == 200
    assert '<html lang="fr">' in page.text
    assert '<label for="jeton">' in page.text
    assert 'id="jeton"' in page.text
    assert 'href="#contenu"' in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]


async def test_signing_in_sets_an_httponly_secure_strict_session_cookie(web: Web) -> None:
    response = await web.sign_in("facilitator-token")

    assert response.status_code == 303
    cookie = next(
        header
        for header in response.headers.get_list("set-cookie")
        if header.startswith(SESSION_COOKIE + "=")
    )
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert {"httponly", "secure", "samesite=strict", "path=/ui"} <= flags
    assert "facilitator-token" not in cookie


async def test_a_sign_in_without_its_csrf_value_is_refused_in_french(web: Web) -> None:
    await web.client.get("/ui/connexion")

    response = await web.client.post("/ui/connexion", data={"jeton": "facilitator-token"})

    assert response.status_code == 403
    assert "CSRF" in response.text
    assert "rechargez la page" in response.text
    assert SESSION_COOKIE not in response.cookies


async def test_an_unknown_token_is_refused_with_an_error_summary_linked_to_the_field(
    web: Web,
) -> None:
    response = await web.sign_in("not-a-token")

    assert response.status_code == 401
    assert 'class="error-summary"' in response.text
    assert 'href="#jeton"' in response.text
    assert 'aria-invalid="true"' in response.text


async def test_pages_need_a_session_and_send_to_the_sign_in_page(web: Web) -> None:
    response = await web.client.get("/ui/depot")

    assert response.status_code == 303
    assert response.headers["location"] == "/ui/connexion?suite=/ui/depot"


async def test_a_tampered_session_cookie_is_no_session(web: Web) -> None:
    signed_in = await web.sign_in("facilitator-token")
    genuine = signed_in.cookies[SESSION_COOKIE]
    body, mac = genuine.split(".")
    tampered = f"{body[:-2]}{'A' if body[-2] != 'A' else 'B'}{body[-1]}.{mac}"
    web.client.cookies.clear()

    response = await web.client.get("/ui/depot", headers={"Cookie": f"{SESSION_COOKIE}={tampered}"})

    assert response.status_code == 303


async def test_an_upload_without_the_csrf_value_is_refused_and_publishes_nothing(
    web: Web,
) -> None:
    await with_market(web)
    await web.sign_in("facilitator-token")

    response = await upload(web, an_hours_csv(MARKET, 3), csrf="wrong")

    assert response.status_code == 403
    assert "CSRF" in response.text
    assert web.topics[MONTHLY_HOURS.name] == []


async def test_a_file_with_errors_lists_each_row_column_and_reason_and_publishes_nothing(
    web: Web,
) -> None:
    await with_market(web)
    await web.sign_in("facilitator-token")
    bad = {1: {"insertion": "-2"}, 2: {"gender": "X"}, 3: {"beneficiary": "B" * 80}}

    response = await upload(web, an_hours_csv(MARKET, 5, bad=bad))

    assert response.status_code == 422
    assert "Fichier refusé : rien n'a été publié" in response.text
    rows = table_rows(response.text, "refus")
    assert [row[:2] for row in rows] == [
        ["3", "heures_insertion"],
        ["4", "sexe"],
        ["5", "identifiant_bénéficiaire"],
    ]
    assert "positif ou nul" in rows[0][2]
    assert "B" * 80 not in response.text
    assert web.topics[MONTHLY_HOURS.name] == []
    assert web.topics[WORK_CONTRACTS.name] == []


async def test_a_correct_file_is_published_and_its_counts_shown(web: Web) -> None:
    await with_market(web)
    await web.sign_in("facilitator-token")

    response = await upload(web, an_hours_csv(MARKET, 5))

    assert response.status_code == 200
    assert "Fichier publié" in response.text
    assert "<strong>1</strong> relevé(s) d&#39;heures mensuelles publié(s)" in response.text
    assert "<strong>5</strong> contrat(s) de travail publié(s)" in response.text
    assert len(web.topics[MONTHLY_HOURS.name]) == 1
    assert "BEN-" not in response.text  # the identifiers of the rows are never echoed


async def test_the_history_shows_who_when_which_market_and_month_the_version_and_status(
    web: Web,
) -> None:
    await with_market(web)
    await web.sign_in("facilitator-token")
    await upload(web, an_hours_csv(MARKET, 2))
    await upload(web, an_hours_csv(MARKET, 2, insertion="40"))

    page = await web.client.get("/ui/historique")

    uploads = [row for row in table_rows(page.text) if row[2] == "page de dépôt"]
    assert {row[0] for row in uploads} == {"15/07/2023 12:00"}  # Paris time
    assert {row[1] for row in uploads} == {"facilitateur"}
    assert {row[3] for row in uploads} == {"heures mensuelles"}
    assert sorted(row[4] for row in uploads) == [
        f"{MARKET} · 06/2023 · v1",
        f"{MARKET} · 06/2023 · v2",
    ]
    assert {row[5] for row in uploads} == {"publiée"}


async def test_a_contractor_sees_only_its_own_submissions(web: Web) -> None:
    await with_market(web)
    await web.sign_in("facilitator-token")
    await upload(web, an_hours_csv(MARKET, 2))
    web.client.cookies.clear()
    await web.sign_in("other-contractor-token")

    page = await web.client.get("/ui/historique")

    assert "Aucun dépôt" in page.text


async def test_a_contractor_cannot_open_another_holders_market(web: Web) -> None:
    await with_market(web, "2023-0042", HOLDER_SIRET)
    await with_market(web, "2023-0099", OTHER_SIRET)
    web.clauses.overviews["2023-0099"] = an_overview("2023-0099")
    await web.sign_in("contractor-token")

    refused = await web.client.get("/ui/marches/2023-0099")
    listing = await web.client.get("/ui/marches")

    assert refused.status_code == 403
    assert "n&#39;est pas l&#39;un des vôtres" in refused.text
    assert "120" not in refused.text
    assert "2023-0042" in listing.text
    assert "2023-0099" not in listing.text


async def test_the_market_page_shows_the_clause_the_months_and_hides_small_cells(
    web: Web,
) -> None:
    await with_market(web)
    web.clauses.overviews[MARKET] = an_overview()
    await web.sign_in("contractor-token")

    page = await web.client.get(f"/ui/marches/{MARKET}")

    assert page.status_code == 200
    assert 'id="heures-dues">300\u00a0h<' in page.text
    assert 'id="heures-realisees">120\u00a0h<' in page.text
    assert "en retard" in page.text
    assert '<svg viewBox="0 0 640 260" role="img"' in page.text
    assert table_rows(page.text, "table-mois") == [
        ["05/2023", "40 h", "0 h"],
        ["06/2023", "80 h", "2 h"],
    ]
    assert page.text.count(">masqué</abbr>") == 2


async def test_the_template_headers_are_the_headers_the_import_expects(web: Web) -> None:
    response = await web.client.get("/ui/modele.csv")

    text = response.content.decode("utf-8-sig")
    header, example = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert [HEADER_OF[simplify(name)] for name in header] == list(COLUMNS)
    assert set(REQUIRED) <= {HEADER_OF[simplify(name)] for name in header}
    assert len(example) == len(header)
    assert response.headers["content-type"].startswith("text/csv")


@pytest.mark.parametrize("path", ["/ui/depot", "/ui/historique", "/ui/marches"])
async def test_every_page_is_french_and_has_a_skip_link_once_signed_in(web: Web, path: str) -> None:
    await web.sign_in("facilitator-token")

    page = await web.client.get(path)

    assert page.status_code == 200
    assert '<html lang="fr">' in page.text
    assert 'href="#contenu"' in page.text
    assert page.headers["x-frame-options"] == "DENY"


def test_hours_are_written_the_french_way() -> None:
    from services.ingest.entrypoints.web.render import hours

    assert hours(Decimal("1234.5")) == "1\u202f234,50\u00a0h"
    assert hours(Decimal("120")) == "120\u00a0h"


class DownClauses:
    async def overview(self, market_id: str) -> Overview | None:
        raise ClausesUnavailableError("connection refused")


async def test_a_token_removed_from_the_configuration_ends_its_session_at_once(
    web: Web, tmp_path: Path
) -> None:
    signed_in = await web.sign_in("facilitator-token")
    cookie = signed_in.cookies[SESSION_COOKIE]
    without = [entry for entry in TOKENS if entry["name"] != "facilitateur"]
    settings = settings_for(tmp_path, tokens=json.dumps(without))
    broker = make_broker(settings.kafka_bootstrap_servers, client_id="ingest-web-revoked")
    service = build_service(settings, clock=lambda: NOW, broker=broker, clauses=FakeClauses())
    restarted = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(service, manage_runtime=False)),
        base_url="https://ingest",
    )

    async with restarted:
        response = await restarted.get(
            "/ui/depot", headers={"Cookie": f"{SESSION_COOKIE}={cookie}"}
        )

    service.engine.dispose()
    assert response.status_code == 303
    assert response.headers["location"].startswith("/ui/connexion")


async def test_when_clauses_does_not_answer_the_market_page_says_so_in_french(
    web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    await with_market(web)
    await web.sign_in("facilitator-token")
    monkeypatch.setattr(web.clauses, "overview", DownClauses().overview)

    page = await web.client.get(f"/ui/marches/{MARKET}")

    assert page.status_code == 503
    assert "Le suivi des clauses ne répond pas" in page.text


async def test_signing_out_forgets_the_session(web: Web) -> None:
    await web.sign_in("facilitator-token")
    csrf = await web.csrf()

    out = await web.client.post("/ui/deconnexion", data={"csrf": csrf})
    after = await web.client.get("/ui/depot")

    assert out.status_code == 303
    assert after.status_code == 303
