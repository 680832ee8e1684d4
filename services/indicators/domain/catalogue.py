"""Every indicator: id, French label, unit, breakdown dimension and Prometheus family."""

from dataclasses import dataclass

from shared.codes import LABELS_FR
from shared.indicators import Axis, Unit

_MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
_EXTRA_LABELS_FR = {
    "alternance": "Alternance (apprentissage et professionnalisation)",
}
_UNIT_SUFFIX = {Unit.RATIO: "_ratio", Unit.HOURS: "_hours", Unit.EUR: "_euros"}


@dataclass(frozen=True, slots=True)
class Spec:
    """What an indicator is; `people` marks counts of people (small-cell suppression applies)."""

    id: str
    label: str
    unit: Unit
    dimension: str | None = None
    people: bool = False
    volatile: bool = False

    @property
    def axis(self) -> Axis:
        """The axis, from the id's prefix."""
        return Axis(self.id.split(".")[0])

    @property
    def metric(self) -> str:
        """The Prometheus family, e.g. `insertion_indicator_women_share_ratio`."""
        name = "insertion_indicator_" + self.id.split(".", 1)[1]
        suffix = _UNIT_SUFFIX.get(self.unit, "")
        return name if name.endswith(suffix) else name + suffix


def cell_label(cell: str) -> str:
    """The French label of a breakdown value (a code, or a month YYYY-MM)."""
    if len(cell) == 7 and cell[4] == "-" and cell[:4].isdigit():
        return f"{_MONTHS_FR[int(cell[5:]) - 1]} {cell[:4]}"
    return _EXTRA_LABELS_FR.get(cell) or LABELS_FR.get(cell, cell)


_R, _H, _C, _E = Unit.RATIO, Unit.HOURS, Unit.COUNT, Unit.EUR
SPECS: tuple[Spec, ...] = (
    Spec("social.insertion_hours", "Heures d'insertion réalisées", _H),
    Spec(
        "social.insertion_hours_change",
        "Évolution des heures d'insertion par rapport à l'année précédente",
        _R,
    ),
    Spec("social.monthly_insertion_hours", "Heures d'insertion réalisées par mois", _H, "month"),
    Spec("social.training_hours", "Heures de formation valorisées", _H),
    Spec(
        "social.training_hours_share",
        "Part des heures de formation dans les heures d'insertion",
        _R,
    ),
    Spec("social.reserved_market_hours", "Heures réalisées dans le cadre des marchés réservés", _H),
    Spec(
        "social.reserved_market_hours_share",
        "Part des heures d'insertion réalisées dans les marchés réservés",
        _R,
    ),
    Spec("social.hours_by_category", "Heures d'insertion par catégorie de marché", _H, "category"),
    Spec(
        "social.hours_category_share",
        "Part des heures d'insertion par catégorie de marché",
        _R,
        "category",
    ),
    Spec(
        "social.beneficiaries",
        "Bénéficiaires d'un contrat de travail dans le cadre d'une clause d'insertion",
        _C,
        people=True,
    ),
    Spec("social.beneficiaries_by_gender", "Bénéficiaires par genre", _C, "gender", people=True),
    Spec("social.women_share", "Part des femmes parmi les bénéficiaires", _R, people=True),
    Spec("social.men_share", "Part des hommes parmi les bénéficiaires", _R, people=True),
    Spec(
        "social.contracts", "Contrats de travail signés par le public en insertion", _C, people=True
    ),
    Spec(
        "social.contracts_by_type", "Contrats de travail par type", _C, "contract_type", people=True
    ),
    Spec(
        "social.contract_type_share",
        "Part des contrats de travail par type",
        _R,
        "contract_type",
        people=True,
    ),
    Spec(
        "social.markets_with_hours",
        "Marchés sur lesquels des heures d'insertion ont été réalisées",
        _C,
    ),
    Spec("social.markets_notified_over_40k", "Marchés notifiés (plus de 40 000 € HT)", _C),
    Spec(
        "social.markets_with_social_consideration",
        "Marchés notifiés (plus de 40 000 € HT) intégrant une considération sociale",
        _C,
    ),
    Spec(
        "social.social_consideration_share",
        "Part des marchés notifiés intégrant une considération sociale",
        _R,
    ),
    Spec(
        "social.markets_by_social_consideration",
        "Marchés notifiés par type de considération sociale",
        _C,
        "consideration",
    ),
    Spec("social.companies_engaged", "Entreprises engagées dans la clause d'insertion", _C),
    Spec("social.smes_engaged", "PME/TPE engagées dans la clause d'insertion", _C),
    Spec("social.sme_share", "Part des PME/TPE parmi les entreprises engagées", _R),
    Spec("economic.markets_notified_over_15k", "Marchés notifiés (plus de 15 000 € HT)", _C),
    Spec("economic.notified_amount", "Montant des marchés notifiés (plus de 15 000 € HT)", _E),
    Spec(
        "economic.category_count_share",
        "Part des marchés notifiés par catégorie (en nombre)",
        _R,
        "category",
    ),
    Spec(
        "economic.category_value_share",
        "Part des achats par catégorie (en valeur)",
        _R,
        "category",
    ),
    Spec(
        "economic.territory_share",
        "Part des marchés remportés par des entreprises du territoire",
        _R,
    ),
    Spec(
        "economic.territory_unknown_markets",
        "Marchés dont l'implantation du titulaire n'est pas renseignée",
        _C,
    ),
    Spec("economic.sme_holder_share", "Part des marchés remportés par des PME", _R),
    Spec(
        "environmental.markets_with_environmental_consideration",
        "Marchés notifiés (plus de 40 000 € HT) intégrant une considération environnementale",
        _C,
    ),
    Spec(
        "environmental.environmental_consideration_share",
        "Part des marchés notifiés intégrant une considération environnementale (en nombre)",
        _R,
    ),
    Spec(
        "environmental.environmental_consideration_value_share",
        "Part des marchés notifiés intégrant une considération environnementale (en valeur)",
        _R,
    ),
    Spec("governance.clauses_tracked", "Marchés clausés suivis", _C),
    Spec(
        "governance.markets_without_report",
        "Marchés clausés sans déclaration d'heures pour le dernier mois clos",
        _C,
    ),
    Spec("governance.report_completeness", "Complétude des déclarations mensuelles d'heures", _R),
    Spec("governance.clauses_behind", "Clauses en retard sur les heures dues", _C),
    Spec(
        "governance.data_age_seconds",
        "Ancienneté de la dernière donnée appliquée",
        Unit.SECONDS,
        volatile=True,
    ),
)
SPEC_BY_ID: dict[str, Spec] = {spec.id: spec for spec in SPECS}
