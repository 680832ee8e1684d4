"""The columns and the words facilitators use in their spreadsheets (French or English)."""

import functools
import unicodedata
from collections.abc import Iterable
from enum import StrEnum
from typing import TypeVar

from shared.codes import LABELS_FR, ContractType, EligiblePublic, Gender, Modality

E = TypeVar("E", bound=StrEnum)


@functools.lru_cache(maxsize=4096)
def simplify(text: str) -> str:
    """Lower case, no accents, words joined by `_`: « Période » and "periode" match."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    for separator in (" ", "-", "'", "\u2019", "."):
        bare = bare.replace(separator, "_")
    return "_".join(part for part in bare.split("_") if part)


# canonical field -> accepted headers (French first)
COLUMNS: dict[str, tuple[str, ...]] = {
    "market_id": ("marché", "marche_id", "id_marché", "référence_marché", "market_id", "market"),
    "employer_siret": ("siret_employeur", "siret", "employeur", "employer_siret"),
    "period": ("période", "mois", "period", "month"),
    "beneficiary_id": ("identifiant_bénéficiaire", "bénéficiaire", "beneficiary_id"),
    "gender": ("sexe", "genre", "gender", "sex"),
    "contract_type": ("type_contrat", "type_de_contrat", "contract_type"),
    "eligible_public": ("public_éligible", "public", "critère_éligibilité", "eligible_public"),
    "modality": ("modalité", "modalité_de_mise_en_œuvre", "modality"),
    "start_date": ("date_début_contrat", "début_contrat", "date_début", "contract_start"),
    "end_date": ("date_fin_contrat", "fin_contrat", "date_fin", "contract_end"),
    "insertion_hours": ("heures_insertion", "heures_d_insertion", "heures", "insertion_hours"),
    "training_hours": ("heures_formation", "heures_de_formation", "training_hours"),
    "contract_id": ("référence_contrat", "id_contrat", "contrat", "contract_id"),
}
REQUIRED = (
    "market_id",
    "employer_siret",
    "period",
    "beneficiary_id",
    "gender",
    "contract_type",
    "eligible_public",
    "modality",
    "start_date",
    "insertion_hours",
)
HEADER_OF: dict[str, str] = {
    simplify(alias): field for field, aliases in COLUMNS.items() for alias in aliases
}


def _words(code: E, extra: Iterable[str] = ()) -> dict[str, E]:
    label = LABELS_FR.get(code)
    words = [code.value, *([label] if label else []), *extra]
    return {simplify(word): code for word in words}


def _vocabulary(*parts: dict[str, E]) -> dict[str, E]:
    merged: dict[str, E] = {}
    for part in parts:
        merged.update(part)
    return merged


GENDERS = _vocabulary(
    _words(Gender.FEMALE, ("f", "femme", "féminin", "w", "woman")),
    _words(Gender.MALE, ("h", "homme", "m", "masculin", "man")),
    _words(Gender.UNSPECIFIED, ("nr", "non renseigné", "inconnu", "autre")),
)
CONTRACT_TYPES = _vocabulary(
    *(_words(code) for code in ContractType),
    _words(ContractType.INTERIM, ("intérim", "interim", "mission d'intérim")),
    _words(ContractType.APPRENTICESHIP, ("apprentissage",)),
    _words(ContractType.PROFESSIONALISATION, ("professionnalisation", "contrat pro")),
    _words(ContractType.OTHER, ("autre",)),
)
ELIGIBLE_PUBLICS = _vocabulary(
    *(_words(code) for code in EligiblePublic),
    _words(EligiblePublic.RSA, ("brsa", "allocataire du rsa")),
    _words(EligiblePublic.YOUTH_UNDER_26, ("jeune", "jeune de moins de 26 ans", "-26 ans")),
    _words(EligiblePublic.RQTH, ("th", "travailleur handicapé", "boeth")),
    _words(EligiblePublic.SENIOR_OVER_50, ("senior", "+50 ans", "plus de 50 ans")),
    _words(EligiblePublic.SIAE_EMPLOYEE, ("salarié siae", "siae")),
    _words(EligiblePublic.OTHER_VALIDATED, ("autre",)),
)
MODALITIES = _vocabulary(
    *(_words(code) for code in Modality),
    _words(Modality.TEMPORARY_INSERTION, ("etti", "intérim d'insertion")),
    _words(Modality.STAFF_PROVISION, ("mise à disposition", "geiq", "ai", "mad")),
    _words(Modality.SIAE_SUBCONTRACTING, ("sous-traitance", "cotraitance")),
    _words(Modality.DIRECT_HIRE, ("embauche", "embauche directe")),
    _words(Modality.TRAINING, ("formation",)),
)
