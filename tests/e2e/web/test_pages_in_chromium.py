"""The issue's scenario in headless Chromium (Debian's, driven by Playwright).

Sign in, upload a file with errors and read them, upload the corrected file and see it
published, open the market page and see the hours move once clauses has consumed them; a
contractor cannot open another holder's market. With WEB_SCREENSHOTS_DIR set (e.g.
docs/screenshots) the pages are saved there as PNG files.
"""

import os
import re
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import (
    Browser,
    FilePayload,
    Page,
    ViewportSize,
    expect,
    sync_playwright,
)

from harness.builders import HOLDER_SIRET, a_market_submission, an_hours_csv
from tests.e2e.web.conftest import OTHER_SIRET, WebStack

CHROMIUM = "/usr/bin/chromium"
DESKTOP = ViewportSize(width=1280, height=900)
PHONE = ViewportSize(width=375, height=812)


def last_closed_month(today: date) -> tuple[int, int]:
    """The month before this one: the one the clause is measured at."""
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


YEAR, MONTH = last_closed_month(date.today())
PERIOD, START = f"{MONTH:02d}/{YEAR}", f"01/{MONTH:02d}/{YEAR}"
BAD = {1: {"insertion": "-2"}, 4: {"gender": "X"}, 7: {"period": "12/2099"}}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run deploy/chromium.sh (Debian's chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM)
        yield launched
        launched.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    wanted = os.environ.get("WEB_SCREENSHOTS_DIR")
    folder = Path(wanted) if wanted else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def notify(stack: WebStack, market_id: str, holder: str) -> None:
    """A market of 24 months notified a year ago, owing 2 400 hours in all."""
    market = a_market_submission(
        market_id=market_id,
        title="Réhabilitation du groupe scolaire Jules-Ferry",
        notification_date=date(YEAR - 1, MONTH, 15),
        duration_months=24,
        holders=[{"siret": holder, "is_sme": True, "in_territory": True}],
        insertion_commitment={"fixed_total_hours": 2400},
    ).model_dump(mode="json")
    answer = httpx.post(
        f"{stack.ingest}/v1/markets",
        json=market,
        headers={"Authorization": f"Bearer {stack.facilitator}"},
        timeout=30,
    )
    assert answer.status_code == 202, answer.text


def sign_in(page: Page, stack: WebStack, token: str) -> None:
    page.goto(f"{stack.ingest}/ui/connexion")
    page.get_by_label("Jeton d'accès").fill(token)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/ui/depot$"))


def upload(page: Page, name: str, document: bytes) -> None:
    page.goto(page.url.split("/ui/")[0] + "/ui/depot")
    page.get_by_label("Fichier CSV du mois").set_input_files(
        files=[FilePayload(name=name, mimeType="text/csv", buffer=document)]
    )
    page.get_by_role("button", name="Envoyer le fichier").click()


def realised_once_consumed(page: Page, url: str, *, not_text: str, within: float) -> str:
    """Reload the market page until its hours realised differ from `not_text`."""
    deadline = time.monotonic() + within
    while True:
        page.goto(url)
        figure = page.locator("#heures-realisees")
        if figure.count() and figure.inner_text() != not_text:
            return figure.inner_text()
        if time.monotonic() > deadline:
            pytest.fail(f"{url}: hours realised still {not_text!r} after {within} s")
        time.sleep(0.5)


def test_a_facilitator_uploads_reads_the_refusals_corrects_and_sees_the_hours_move(
    web_stack: WebStack, browser: Browser, shots: Path
) -> None:
    market_id = f"E2E-WEB-{uuid.uuid4().hex[:8].upper()}"
    notify(web_stack, market_id, HOLDER_SIRET)
    market_url = f"{web_stack.ingest}/ui/marches/{market_id}"
    page = browser.new_page(viewport=DESKTOP, locale="fr-FR")
    sign_in(page, web_stack, web_stack.facilitator)
    before = realised_once_consumed(page, market_url, not_text="", within=60)

    upload(
        page, "heures-octobre.csv", an_hours_csv(market_id, 10, bad=BAD, period=PERIOD, start=START)
    )

    expect(page.get_by_role("heading", name="Fichier refusé : rien n'a été publié")).to_be_visible()
    rows = page.locator("#refus tbody tr")
    expect(rows).to_have_count(3)
    assert rows.nth(0).locator("td").all_inner_texts()[:2] == ["3", "heures_insertion"]
    assert rows.nth(1).locator("td").all_inner_texts()[:2] == ["6", "sexe"]
    assert rows.nth(2).locator("td").all_inner_texts()[:2] == ["9", "période"]
    assert "dans le futur" in rows.nth(2).inner_text()
    assert "BEN-" not in page.content()
    page.screenshot(path=shots / "upload-refused.png", full_page=True)

    upload(
        page, "heures-octobre-corrige.csv", an_hours_csv(market_id, 10, period=PERIOD, start=START)
    )

    expect(page.get_by_role("heading", name="Fichier publié")).to_be_visible()
    expect(page.get_by_text("10 contrat(s) de travail publié(s)")).to_be_visible()
    page.screenshot(path=shots / "upload-accepted.png", full_page=True)
    after = realised_once_consumed(page, market_url, not_text=before, within=90)
    assert before == "0\u00a0h"
    assert after == "355\u00a0h"  # 10 rows of 35,5 h in the last closed month
    expect(page.locator("#table-mois tbody tr")).to_have_count(1)
    page.screenshot(path=shots / "market.png", full_page=True)
    history = page.goto(f"{web_stack.ingest}/ui/historique")
    assert history is not None
    expect(page.get_by_text(f"{market_id} · {PERIOD} · v1")).to_be_visible()
    page.close()


def test_the_market_page_fits_a_phone_screen(
    web_stack: WebStack, browser: Browser, shots: Path
) -> None:
    market_id = f"E2E-WEB-{uuid.uuid4().hex[:8].upper()}"
    notify(web_stack, market_id, HOLDER_SIRET)
    page = browser.new_page(viewport=PHONE, locale="fr-FR", is_mobile=True)
    sign_in(page, web_stack, web_stack.contractor)
    upload(page, "heures.csv", an_hours_csv(market_id, 6, period=PERIOD, start=START))
    expect(page.get_by_role("heading", name="Fichier publié")).to_be_visible()

    realised_once_consumed(
        page, f"{web_stack.ingest}/ui/marches/{market_id}", not_text="0\u00a0h", within=90
    )

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    page.screenshot(path=shots / "market-phone.png", full_page=True)
    page.close()


def test_a_contractor_cannot_open_another_holders_market(
    web_stack: WebStack, browser: Browser
) -> None:
    mine, theirs = (f"E2E-WEB-{uuid.uuid4().hex[:8].upper()}" for _ in range(2))
    notify(web_stack, mine, HOLDER_SIRET)
    notify(web_stack, theirs, OTHER_SIRET)
    page = browser.new_page(viewport=DESKTOP, locale="fr-FR")
    sign_in(page, web_stack, web_stack.contractor)

    refused = page.goto(f"{web_stack.ingest}/ui/marches/{theirs}")

    assert refused is not None
    assert refused.status == 403
    expect(page.get_by_role("heading", name="Accès refusé")).to_be_visible()
    expect(page.get_by_text("n'est pas l'un des vôtres")).to_be_visible()
    allowed = page.goto(f"{web_stack.ingest}/ui/marches/{mine}")
    assert allowed is not None
    assert allowed.status == 200
    page.close()
