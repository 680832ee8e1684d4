"""DECP 2.x documents become MarketNotified events; every defective record is reported."""

import copy
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.builders import a_decp_record
from reference_dataset.generator.companies import with_check_digit
from services.ingest.domain.decp import DecpImport, ParseError, parse_decp
from services.ingest.domain.plausibility import LENIENT
from shared.codes import EnvironmentalConsideration, MarketCategory, SocialConsideration
from shared.events import decode_event

DECP = Path(__file__).resolve().parents[2] / "fixtures" / "decp"
BUYER, HOLDER, OTHER_HOLDER = "21440109300015", "35600000000048", "55204599900869"
AMENDED_HOLDER = with_check_digit("5520459990087")


def a_decp_market(**overrides: Any) -> dict[str, Any]:
    """A valid DECP 2.0.3 `marche` record (only the fields the importer reads, plus a few)."""
    return a_decp_record(
        "2024-0042",
        **{
            "acheteur": {"id": BUYER},
            "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": HOLDER}}],
            **overrides,
        },
    )


def a_decp_concession(**overrides: Any) -> dict[str, Any]:
    """A valid DECP 2.0.3 `contrat-concession` record."""
    record: dict[str, Any] = {
        "id": "DSP-2024-01",
        "autoriteConcedante": {"id": BUYER},
        "nature": "Délégation de service public",
        "objet": "Exploitation du réseau de transport interurbain",
        "procedure": "Procédure négociée ouverte",
        "dureeMois": 84,
        "dateSignature": "2024-01-10",
        "datePublicationDonnees": "2024-02-01",
        "dateDebutExecution": "2024-09-01",
        "valeurGlobale": 42000000,
        "montantSubventionPublique": 0,
        "concessionnaires": [{"concessionnaire": {"typeIdentifiant": "SIRET", "id": HOLDER}}],
        "considerationsSociales": {"considerationSociale": ["Clause sociale"]},
        "considerationsEnvironnementales": {
            "considerationEnvironnementale": ["Clause environnementale"]
        },
    }
    return {**record, **overrides}


def as_bytes(document: object) -> bytes:
    """The JSON bytes a publisher would send."""
    return json.dumps(document).encode()


def decp(*markets: dict[str, Any], concessions: tuple[dict[str, Any], ...] = ()) -> bytes:
    """A document in the official shape."""
    return as_bytes({"marches": {"marche": list(markets), "contrat-concession": list(concessions)}})


def defect_rows(
    result: DecpImport,
) -> list[tuple[str | None, int | None, str | None, str | None, str]]:
    """Each defect as (kind, index, record id, field, code)."""
    return [(d.record_kind, d.record_index, d.record_id, d.field, d.code) for d in result.defects]


def official(name: str) -> dict[str, Any]:
    """One of the official example documents, decoded."""
    document: dict[str, Any] = json.loads((DECP / name).read_text(encoding="utf-8"))
    return document


# The official examples


def test_the_official_example_imports_both_concessions_and_rejects_the_amended_markets() -> None:
    document = (DECP / "example_marches_concessions.json").read_bytes()

    result = parse_decp(document)

    assert [m.market_id for m in result.markets] == ["0612202306122024", "0612202306122023"]
    concession = result.markets[0]
    assert concession.category == MarketCategory.PUBLIC_SERVICE_DELEGATION
    assert (concession.amount_ht, concession.duration_months, concession.version) == (
        Decimal("25.00"),
        14,
        2,
    )
    assert concession.notification_date == date(2024, 4, 2)
    assert concession.buyer.siret == "12345678901237"
    assert [h.siret for h in concession.holders] == ["38103128500491", "38103128500574"]
    assert concession.social_considerations == (
        SocialConsideration.SOCIAL_CLAUSE,
        SocialConsideration.SOCIAL_CRITERION,
    )
    # The official amendment names a 15-digit "SIRET" (868768687576575): a real defect.
    amended_holder = "modifications[0].modification.titulaires[0].titulaire.id"
    assert defect_rows(result) == [
        ("marche", 0, "TEST2022", amended_holder, "invalid_siret"),
        ("marche", 1, "TEST2022Bis", amended_holder, "invalid_siret"),
    ]


def test_the_official_example_with_amendments_reports_each_market_at_its_amended_holder() -> None:
    document = (DECP / "example_marches_avec_modifications.json").read_bytes()

    result = parse_decp(document)

    assert result.markets == []
    assert [(d.record_index, d.record_id, d.code) for d in result.defects] == [
        (0, "TEST2022", "invalid_siret"),
        (1, "TEST2022Bis", "invalid_siret"),
    ]
    assert "868768687576575" in result.defects[0].message


def test_an_official_market_with_a_valid_amended_holder_is_a_works_market_as_amended() -> None:
    document = official("example_marches_avec_modifications.json")
    amendment = document["marches"]["marche"][0]["modifications"][0]["modification"]
    amendment["titulaires"][0]["titulaire"]["id"] = AMENDED_HOLDER

    result = parse_decp(as_bytes(document))

    market = result.markets[0]
    assert (market.market_id, market.category, market.cpv_code) == (
        "TEST2022",
        MarketCategory.WORKS,
        "45000000-7",
    )
    assert (market.amount_ht, market.duration_months, market.version) == (
        Decimal("123457.87"),
        12,
        2,
    )
    assert [h.siret for h in market.holders] == [AMENDED_HOLDER]
    assert (market.buyer.siret, market.notification_date) == ("21750001630065", date(2024, 5, 15))
    assert market.environmental_considerations == (EnvironmentalConsideration.ENVIRONMENTAL_CLAUSE,)
    assert [d.record_index for d in result.defects] == [1]


# Document shapes


@pytest.mark.parametrize(
    "document",
    [
        {"marches": {"marche": [a_decp_market()]}},
        {"marches": {"marche": a_decp_market()}},
        {"marches": [a_decp_market()]},
        [a_decp_market()],
        a_decp_market(),
    ],
    ids=["official", "lone-object", "marches-list", "bare-list", "single-record"],
)
def test_every_accepted_document_shape_gives_the_same_market(document: object) -> None:
    expected = parse_decp(decp(a_decp_market())).markets

    result = parse_decp(as_bytes(document))

    assert result.defects == []
    assert result.markets == expected
    assert len(expected) == 1


def test_a_concession_in_a_flat_list_is_recognised_by_its_fields() -> None:
    document = as_bytes([a_decp_market(), a_decp_concession()])

    result = parse_decp(document)

    assert [m.category for m in result.markets] == [
        MarketCategory.WORKS,
        MarketCategory.PUBLIC_SERVICE_DELEGATION,
    ]
    assert result.markets[1].amount_ht == Decimal("42000000.00")
    assert result.markets[1].cpv_code is None


# Considerations


@pytest.mark.parametrize(
    "considerations",
    [
        {"considerationSociale": ["Clause sociale", "Marché réservé"]},
        ["Clause sociale", "Marché réservé"],
        ["Marché réservé", "Clause sociale", "Clause sociale"],
    ],
    ids=["official-object", "flat-list", "flat-list-unordered-repeated"],
)
def test_social_considerations_are_read_from_both_shapes(considerations: object) -> None:
    document = decp(a_decp_market(considerationsSociales=considerations))

    result = parse_decp(document)

    assert result.markets[0].social_considerations == (
        SocialConsideration.SOCIAL_CLAUSE,
        SocialConsideration.RESERVED_MARKET,
    )


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Clause sociale", (SocialConsideration.SOCIAL_CLAUSE,)),
        ("Critère social", (SocialConsideration.SOCIAL_CRITERION,)),
        ("Marché réservé", (SocialConsideration.RESERVED_MARKET,)),
        ("Concession réservée", (SocialConsideration.RESERVED_MARKET,)),
        ("Pas de considération sociale", ()),
        ("critere social", (SocialConsideration.SOCIAL_CRITERION,)),
    ],
)
def test_each_social_label_maps_to_its_code(label: str, expected: tuple[str, ...]) -> None:
    document = decp(a_decp_market(considerationsSociales=[label]))

    result = parse_decp(document)

    assert result.markets[0].social_considerations == expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Clause environnementale", (EnvironmentalConsideration.ENVIRONMENTAL_CLAUSE,)),
        ("Critère environnemental", (EnvironmentalConsideration.ENVIRONMENTAL_CRITERION,)),
        ("Pas de considération environnementale", ()),
    ],
)
def test_each_environmental_label_maps_to_its_code(label: str, expected: tuple[str, ...]) -> None:
    considerations = {"considerationEnvironnementale": [label]}
    document = decp(a_decp_market(considerationsEnvironnementales=considerations))

    result = parse_decp(document)

    assert result.markets[0].environmental_considerations == expected


# Category


@pytest.mark.parametrize(
    ("cpv", "ccag", "expected"),
    [
        ("45000000-7", "Travaux", MarketCategory.WORKS),
        ("45214220", "Pas de CCAG", MarketCategory.WORKS),
        ("03000000", "Fournitures courantes et services", MarketCategory.SUPPLIES),
        ("09100000", "Fournitures courantes et services", MarketCategory.SUPPLIES),
        ("44000000", "Fournitures courantes et services", MarketCategory.SUPPLIES),
        ("48000000", "Techniques de l'information et de la communication", MarketCategory.SUPPLIES),
        ("30200000", "Marchés industriels", MarketCategory.SUPPLIES),
        ("50000000", "Fournitures courantes et services", MarketCategory.SERVICES),
        ("71000000", "Maitrise d'œuvre", MarketCategory.SERVICES),
        ("72000000", "Techniques de l'information et de la communication", MarketCategory.SERVICES),
        ("90910000", "Pas de CCAG", MarketCategory.SERVICES),
        ("71000000", "Prestations intellectuelles", MarketCategory.INTELLECTUAL_SERVICES),
        ("79400000", "prestations intellectuelles", MarketCategory.INTELLECTUAL_SERVICES),
        ("45000000", "Prestations intellectuelles", MarketCategory.INTELLECTUAL_SERVICES),
        ("30200000", "Prestations intellectuelles", MarketCategory.INTELLECTUAL_SERVICES),
    ],
)
def test_the_category_follows_the_cpv_division_and_the_ccag(
    cpv: str, ccag: str, expected: MarketCategory
) -> None:
    document = decp(a_decp_market(codeCPV=cpv, ccag=ccag))

    result = parse_decp(document)

    assert result.markets[0].category == expected
    assert result.markets[0].cpv_code == cpv


# Defects: reported per record, with index and field, while the others come through

DEFECTS: list[tuple[dict[str, Any], str, str]] = [
    ({"montant": "NC"}, "montant", "not_a_number"),
    ({"dureeMois": "NC"}, "dureeMois", "not_a_number"),
    ({"montant": True}, "montant", "wrong_type"),
    ({"montant": 1e17}, "montant", "absurd_amount"),
    ({"montant": 0}, "montant", "out_of_range"),
    ({"dureeMois": 12.5}, "dureeMois", "not_an_integer"),
    ({"dureeMois": 601}, "dureeMois", "out_of_range"),
    ({"dateNotification": "0222-04-29"}, "dateNotification", "impossible_date"),
    ({"dateNotification": "2023-02-30"}, "dateNotification", "impossible_date"),
    ({"dateNotification": "2042-03-14"}, "dateNotification", "impossible_date"),
    ({"dateNotification": "14/03/2024"}, "dateNotification", "invalid_format"),
    ({"dateNotification": 20240314}, "dateNotification", "wrong_type"),
    ({"objet": None}, "objet", "missing_field"),
    ({"objet": "   "}, "objet", "missing_field"),
    ({"objet": 42}, "objet", "wrong_type"),
    ({"objet": "\ud800"}, "objet", "invalid_text"),
    ({"acheteur": None}, "acheteur", "missing_field"),
    ({"acheteur": "21440109300015"}, "acheteur", "wrong_type"),
    ({"acheteur": {"id": "214401093"}}, "acheteur.id", "invalid_siret"),
    ({"codeCPV": "4521"}, "codeCPV", "invalid_format"),
    ({"codeCPV": None}, "codeCPV", "missing_field"),
    ({"ccag": "Autre"}, "ccag", "unknown_value"),
    ({"id": "2024 0042"}, "id", "invalid_identifier"),
    ({"titulaires": []}, "titulaires", "missing_field"),
    (
        {"titulaires": [{"titulaire": {"typeIdentifiant": "TVA", "id": "FR40303265045"}}]},
        "titulaires[0].titulaire.typeIdentifiant",
        "unsupported_identifier",
    ),
    (
        {"titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "3560000000004"}}]},
        "titulaires[0].titulaire.id",
        "invalid_siret",
    ),
    (
        {"considerationsSociales": {"considerationSociale": ["Clause d'insertion"]}},
        "considerationsSociales.considerationSociale[0]",
        "unknown_value",
    ),
    (
        {"considerationsSociales": ["Pas de considération sociale", "Clause sociale"]},
        "considerationsSociales",
        "contradictory_values",
    ),
    ({"considerationsSociales": None}, "considerationsSociales", "missing_field"),
    (
        {"modifications": [{"modification": {"id": 1, "montant": "NC"}}]},
        "modifications[0].modification.montant",
        "not_a_number",
    ),
    (
        {"modifications": [{"modification": {"montant": 1300000}}]},
        "modifications[0].modification.id",
        "missing_field",
    ),
]


@pytest.mark.parametrize(
    ("fields", "field", "code"), DEFECTS, ids=[f"{code}:{field}" for _, field, code in DEFECTS]
)
def test_a_defective_record_is_reported_with_its_index_and_field_while_the_others_come_through(
    fields: dict[str, Any], field: str, code: str
) -> None:
    broken = a_decp_market(**{"id": "BROKEN-1", **fields})
    document = decp(a_decp_market(id="OK-0"), broken, a_decp_market(id="OK-2"))

    result = parse_decp(document)

    assert [m.market_id for m in result.markets] == ["OK-0", "OK-2"]
    assert defect_rows(result) == [("marche", 1, fields.get("id", "BROKEN-1"), field, code)]
    assert result.defects[0].message


def test_a_defective_concession_is_reported_in_its_own_list() -> None:
    document = decp(
        a_decp_market(),
        concessions=(a_decp_concession(), a_decp_concession(id="DSP-2", valeurGlobale="NC")),
    )

    result = parse_decp(document)

    assert [m.market_id for m in result.markets] == ["2024-0042", "DSP-2024-01"]
    assert defect_rows(result) == [
        ("contrat-concession", 1, "DSP-2", "valeurGlobale", "not_a_number")
    ]


def test_a_defect_message_is_in_french_and_names_the_value_received() -> None:
    document = decp(a_decp_market(montant="NC"))

    result = parse_decp(document)

    assert result.defects[0].message == "nombre attendu, reçu le texte « NC »"


def test_every_defect_of_a_record_is_listed() -> None:
    document = decp(a_decp_market(montant="NC", dateNotification="0222-04-29", objet=None))

    result = parse_decp(document)

    assert sorted((d.field, d.code) for d in result.defects) == [
        ("dateNotification", "impossible_date"),
        ("montant", "not_a_number"),
        ("objet", "missing_field"),
    ]


def test_a_record_that_is_not_an_object_is_reported_as_a_whole() -> None:
    document = as_bytes([a_decp_market(), "not a record"])

    result = parse_decp(document)

    assert len(result.markets) == 1
    assert defect_rows(result) == [("marche", 1, None, None, "wrong_type")]


def test_an_id_already_used_in_the_document_is_a_duplicate_and_the_first_record_stays() -> None:
    document = decp(a_decp_market(), concessions=(a_decp_concession(id="2024-0042"),))

    result = parse_decp(document)

    assert [m.category for m in result.markets] == [MarketCategory.WORKS]
    assert defect_rows(result) == [("contrat-concession", 0, "2024-0042", "id", "duplicate_id")]
    assert "marche[0]" in result.defects[0].message


# Amendments


def test_amendments_apply_in_the_order_of_their_id_field_by_field() -> None:
    amendments = [
        {"modification": {"id": 2, "dureeMois": 36}},
        {"modification": {"id": 1, "dureeMois": 30, "montant": 1400000.5}},
        {
            "modification": {
                "id": 3,
                "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": OTHER_HOLDER}}],
            }
        },
    ]
    document = decp(a_decp_market(modifications=amendments))

    result = parse_decp(document)

    market = result.markets[0]
    assert (market.amount_ht, market.duration_months) == (Decimal("1400000.50"), 36)
    assert [h.siret for h in market.holders] == [OTHER_HOLDER]
    assert market.version == 4


def test_a_republication_with_a_new_amendment_replaces_the_earlier_event() -> None:
    first = parse_decp(decp(a_decp_market())).markets[0]
    amendment = {"modification": {"id": 1, "montant": 1300000}}

    amended = parse_decp(decp(a_decp_market(modifications=[amendment]))).markets[0]

    assert amended.market_id == first.market_id
    assert amended.version > first.version
    assert amended.event_id != first.event_id


def test_only_the_values_in_effect_after_amendments_are_checked() -> None:
    amendment = {"modification": {"id": 1, "montant": 1300000}}
    document = decp(a_decp_market(montant="NC", modifications=[amendment]))

    result = parse_decp(document)

    assert result.defects == []
    assert result.markets[0].amount_ht == Decimal("1300000.00")


# Tolerances


def test_a_date_with_a_time_zone_keeps_its_calendar_day() -> None:
    document = decp(a_decp_market(dateNotification="2024-03-14+02:00"))

    result = parse_decp(document)

    assert result.markets[0].notification_date == date(2024, 3, 14)


def test_an_amount_is_rounded_to_the_cent_and_a_long_title_is_cut_to_the_contract_limit() -> None:
    document = decp(a_decp_market(montant=1250000.125, objet="x" * 1000))

    result = parse_decp(document)

    market = result.markets[0]
    assert market.amount_ht == Decimal("1250000.12")
    assert (len(market.title), market.title[-1]) == (500, "…")


def test_a_holder_listed_twice_is_kept_once() -> None:
    holder = {"titulaire": {"typeIdentifiant": "SIRET", "id": HOLDER}}
    document = decp(a_decp_market(titulaires=[holder, holder]))

    result = parse_decp(document)

    assert [h.siret for h in result.markets[0].holders] == [HOLDER]
    assert (result.markets[0].holders[0].is_sme, result.markets[0].holders[0].in_territory) == (
        None,
        None,
    )


# Documents that are not DECP


@pytest.mark.parametrize(
    ("document", "where"),
    [
        (b"", "ligne 1, colonne 1"),
        (b'{"marches": {"marche": [}', "ligne 1, colonne 25"),
        (b'{\n  "marches": NC\n}', "ligne 2, colonne 14"),
        (b'{"objet": "\xff"}', "UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "imbriqué"),
    ],
    ids=["empty", "truncated", "bare-word", "not-utf8", "too-deep"],
)
def test_a_document_that_is_not_json_raises_a_french_parse_error(
    document: bytes, where: str
) -> None:
    with pytest.raises(ParseError) as raised:
        parse_decp(document)

    assert where in str(raised.value)


@pytest.mark.parametrize(
    "document",
    [b"[]", b"{}", b'{"marches": {}}', b'{"marches": {"marche": []}}', b"42", b'"DECP"', b"null"],
)
def test_json_without_any_record_gives_a_single_no_records_defect(document: bytes) -> None:
    result = parse_decp(document)

    assert result.markets == []
    assert defect_rows(result) == [(None, None, None, None, "no_records")]


# Properties

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


sirets = st.from_regex(r"[0-9]{13}", fullmatch=True).map(with_check_digit)  # a right key
holders = st.lists(
    st.builds(lambda s: {"titulaire": {"typeIdentifiant": "SIRET", "id": s}}, sirets),
    min_size=1,
    max_size=3,
)
social = st.lists(
    st.sampled_from(["Clause sociale", "Critère social", "Marché réservé"]), min_size=1
)
valid_fields: dict[str, st.SearchStrategy[Any]] = {
    "id": st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,15}", fullmatch=True),
    "acheteur": st.builds(lambda s: {"id": s}, sirets),
    "objet": st.text(min_size=1, max_size=30).filter(str.strip),
    "codeCPV": st.from_regex(r"[0-9]{8}", fullmatch=True),
    "ccag": st.sampled_from(["Travaux", "Pas de CCAG", "Prestations intellectuelles"]),
    "dureeMois": st.integers(1, 600),
    "dateNotification": st.dates(LENIENT.earliest, LENIENT.latest).map(date.isoformat),
    "montant": st.integers(1, 10**11) | st.decimals(1, 10**11, places=2).map(float),
    "titulaires": holders,
    "considerationsSociales": social | social.map(lambda s: {"considerationSociale": s}),
    "considerationsEnvironnementales": st.just(["Clause environnementale"]),
}
valid_markets = st.fixed_dictionaries(valid_fields)


@st.composite
def damaged_markets(draw: st.DrawFn) -> dict[str, Any]:
    """A valid record with up to three fields removed or replaced by any JSON value."""
    record: dict[str, Any] = draw(valid_markets)
    for key in draw(st.lists(st.sampled_from(sorted(record)), max_size=3, unique=True)):
        if draw(st.booleans()):
            del record[key]
        else:
            record[key] = draw(json_values)
    return record


@given(json_values)
def test_any_json_value_is_imported_or_reported_without_raising(value: object) -> None:
    result = parse_decp(as_bytes(value))

    for market in result.markets:
        assert decode_event(market.model_dump_json()) == market
    assert result.markets or result.defects


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(damaged_markets() | json_values, max_size=6))
def test_every_record_is_either_a_market_or_reported_never_both(records: list[object]) -> None:
    document = as_bytes({"marches": {"marche": records}})

    result = parse_decp(document)

    if not records:
        assert [d.code for d in result.defects] == ["no_records"]
    reported = {d.record_index for d in result.defects if d.record_index is not None}
    assert len(result.markets) + len(reported) == len(records)
    assert len({m.market_id for m in result.markets}) == len(result.markets)
    for market in result.markets:
        assert decode_event(market.model_dump_json()) == market


@given(st.lists(valid_markets, min_size=1, max_size=4, unique_by=lambda record: record["id"]))
def test_a_valid_record_is_always_imported_with_its_values(records: list[dict[str, Any]]) -> None:
    document = as_bytes({"marches": {"marche": copy.deepcopy(records)}})

    result = parse_decp(document)

    assert result.defects == []
    for record, market in zip(records, result.markets, strict=True):
        assert (market.market_id, market.buyer.siret) == (record["id"], record["acheteur"]["id"])
        assert market.amount_ht == Decimal(str(record["montant"])).quantize(Decimal("0.01"))
        assert market.notification_date.isoformat() == record["dateNotification"]
        assert market.duration_months == record["dureeMois"]
