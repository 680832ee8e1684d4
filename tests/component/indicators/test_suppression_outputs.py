"""The 2020 reference contracts through every output: none lets a reader difference interim out.

Today's reference dataset has, in 2020, 112 contracts of which 3 interim, 5 apprenticeship
and 4 professionalisation contracts. Publishing alternance (9) beside the hidden types gave
interim = total - published types - alternance = 3, on the API, in the gauges, in the
snapshots and in the assessment alike; every output must now resist the same reader.
"""

import html
import re
from collections.abc import Hashable, Mapping

import pytest

from harness.builders import a_distinct_count, an_aggregate_change
from services.indicators.domain.catalogue import cell_label
from shared.codes import ALTERNANCE, ContractType
from tests.component.indicators.conftest import Running
from tests.differencing import Relation, derived_sums, determined, recovered_by_combination
from tests.unit.dataset.cached import figures

YEAR = 2020
TYPES = [kind.value for kind in ContractType]
RELATIONS: list[Relation] = [
    ("total", TYPES),
    ("alternance", sorted(kind.value for kind in ALTERNANCE)),
]
CAPTION = f"Contrats de travail signés par le public en insertion en {YEAR}, par type"


@pytest.fixture
async def loaded(running: Running) -> Running:
    """The reference dataset's 2020 contract counts, as the clauses service publishes them."""
    year = figures()[YEAR]
    counts = {("all", "all"): year.contracts, ("contract_type", "alternance"): year.alternance}
    counts |= {("contract_type", kind): n for kind, n in year.contracts_by_type.items()}
    assert (year.contracts_by_type["interim"], year.alternance) == (3, 9)
    await running.change(
        *(
            an_aggregate_change(
                a_distinct_count(
                    year=YEAR, counted="contracts", breakdown=breakdown, value=value, count=count
                )
            )
            for (breakdown, value), count in counts.items()
        )
    )
    return running


def assert_nothing_hidden_is_recoverable(published: Mapping[Hashable, int]) -> None:
    """The differencing reader recovers no hidden type, nor a sum of fewer than 5 contracts."""
    hidden = {cell for cell in [*TYPES, "alternance", "total"] if cell not in published}

    assert "interim" in hidden
    assert recovered_by_combination(RELATIONS, published) == {}
    assert determined(RELATIONS, hidden) == set()
    for cells, figure in derived_sums(RELATIONS, published):
        assert len(cells) >= 2
        assert figure >= 5


def _from_items(items: list[dict[str, object]]) -> dict[Hashable, int]:
    found: dict[Hashable, int] = {}
    for item in items:
        breakdown = item["breakdown"]
        assert isinstance(breakdown, dict)
        kind = breakdown.get("contract_type")
        figure = item["numerator"] if item["id"] == "social.contract_type_share" else item["value"]
        if figure is None:
            continue
        if item["id"] == "social.contracts":
            found["total"] = int(float(str(figure)))
        elif kind and item["id"] in ("social.contracts_by_type", "social.contract_type_share"):
            found[kind] = int(float(str(figure)))
    return found


async def test_the_api_does_not_let_interim_be_recovered(loaded: Running) -> None:
    items = await loaded.indicators(YEAR)

    assert_nothing_hidden_is_recoverable(_from_items(items))


async def test_the_gauges_do_not_let_interim_be_recovered(loaded: Running) -> None:
    metrics = await loaded.metrics()

    published: dict[Hashable, int] = {}
    for line in metrics.splitlines():
        sample = re.match(r"insertion_indicator_contracts(_by_type)?\{(.*)\} (\S+)$", line)
        if sample and f'year="{YEAR}"' in sample[2]:
            kind = re.search(r'contract_type="([a-z_]+)"', sample[2])
            published[kind[1] if kind else "total"] = int(float(sample[3]))
    assert_nothing_hidden_is_recoverable(published)


async def test_the_snapshots_do_not_let_interim_be_recovered(loaded: Running) -> None:
    await loaded.service.snapshots.publish_changes()

    items = [
        snapshot.indicator.model_dump(mode="json")
        for _, snapshot in loaded.snapshots
        if snapshot is not None and snapshot.indicator.year == YEAR
    ]
    assert_nothing_hidden_is_recoverable(_from_items(items))


def _from_table(rows: list[tuple[str, str]]) -> dict[Hashable, int]:
    """A reader of the contracts table: a type missing from it is 0, « masqué » is hidden."""
    by_label = {cell_label(kind): kind for kind in [*TYPES, "alternance"]}
    shown: dict[Hashable, int] = dict.fromkeys([*TYPES, "alternance"], 0)
    for label, figure in rows:
        code = "total" if label == "Total" else by_label[label]
        digits = re.sub(r"\D", "", figure)
        if digits and "masqué" not in figure:
            shown[code] = int(digits)
        else:
            shown.pop(code, None)
    return shown


async def test_the_assessment_in_markdown_and_html_does_not_let_interim_be_recovered(
    loaded: Running,
) -> None:
    markdown = await loaded.client.get(f"/v1/assessment/{YEAR}", params={"format": "markdown"})
    page = await loaded.client.get(f"/v1/assessment/{YEAR}", params={"format": "html"})

    table = markdown.text.split(f"**{CAPTION}**", 1)[1].split("\n\n", 2)[1]
    md_rows = [
        (cells[0], cells[1])
        for line in table.splitlines()[2:]
        if (cells := [c.strip() for c in line.strip("|").split("|")])
    ]
    html_table = page.text.split(f"<caption>{html.escape(CAPTION)}</caption>", 1)[1]
    html_table = html_table.split("</table>", 1)[0]
    html_rows = [
        (html.unescape(label), html.unescape(figure))
        for label, figure in re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td>", html_table)
    ]
    assert md_rows
    assert md_rows == html_rows
    assert_nothing_hidden_is_recoverable(_from_table(md_rows))
