"""Companies of the region: SIRETs that pass the Luhn check, names, kinds and flags."""

import random
from dataclasses import dataclass
from enum import StrEnum

from shared.types import luhn_valid

PLACES = (
    "Atlantique", "Loire", "Anjou", "Vendée", "Maine", "Sarthe", "Mayenne", "Erdre", "Sèvre",
    "Layon", "Choletais", "Estuaire", "Océan", "Bocage", "Mauges", "Brière", "Retz", "Saumurois",
    "Segréen", "Castelbriantais", "Yon", "Huisne", "Loir", "Mayenne Nord", "Baie", "Marais",
    "Val de Loire", "Pays de Retz", "Nantes Métropole", "Angers Loire", "Le Mans", "Laval",
)  # fmt: skip
SECTOR_WORDS = {
    "works": ("Construction", "Bâtiment", "Travaux Publics", "Charpente", "Menuiserie",
              "Électricité", "Couverture", "Peinture", "Plomberie", "Gros Œuvre", "Terrassement"),
    "services": ("Nettoyage", "Propreté", "Espaces Verts", "Restauration", "Sécurité",
                 "Maintenance", "Logistique", "Informatique", "Communication", "Déménagement"),
    "supplies": ("Fournitures", "Équipements", "Mobilier", "Textiles", "Papeterie", "Matériel"),
    "intellectual_services": ("Ingénierie", "Études", "Architectes", "Conseil",
                              "Bureau d'Études", "Géomètres"),
    "public_service_delegation": ("Cars", "Transports", "Autocars", "Voyageurs"),
}  # fmt: skip
FORMS = ("SAS", "SARL", "SA", "SCOP", "SASU")


class CompanyKind(StrEnum):
    """Why a company appears: it holds markets, or it employs under someone else's market."""

    HOLDER = "holder"  # holds markets, employs directly on the markets it holds
    SIAE_HOLDER = "siae_holder"  # an ESAT or EA holding reserved markets
    SUBCONTRACTOR = "subcontractor"  # employs directly on a market it does not hold
    ETTI = "etti"  # temporary insertion work
    GEIQ = "geiq"  # staff provision, alternance
    AI = "ai"  # association intermédiaire, staff provision
    EI = "ei"  # entreprise d'insertion, SIAE subcontracting


@dataclass(frozen=True, slots=True)
class Company:
    """A company; its flags are the same in every market it holds."""

    siret: str
    name: str
    kind: CompanyKind
    sector: str
    is_sme: bool
    in_territory: bool


def with_check_digit(body: str) -> str:
    """The body followed by the one digit that makes it pass the Luhn check."""
    return next(body + d for d in "0123456789" if luhn_valid(body + d))


class Registry:
    """Creates companies with distinct SIRETs (SIREN and SIRET both Luhn-valid)."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._sirets: set[str] = set()
        self.companies: list[Company] = []

    def _siret(self) -> str:
        while True:
            siren = with_check_digit(str(self._rng.randint(30_000_000, 99_999_999)))
            siret = with_check_digit(siren + f"{self._rng.randint(1, 60):04d}")
            if siret not in self._sirets:
                self._sirets.add(siret)
                return siret

    def _name(self, kind: CompanyKind, sector: str) -> str:
        place = self._rng.choice(PLACES)
        match kind:
            case CompanyKind.HOLDER | CompanyKind.SUBCONTRACTOR:
                word = self._rng.choice(SECTOR_WORDS[sector])
                return f"{word} {place} {self._rng.choice(FORMS)}"
            case CompanyKind.SIAE_HOLDER:
                return f"{self._rng.choice(('ESAT', 'Entreprise adaptée'))} {place}"
            case CompanyKind.ETTI:
                return f"{self._rng.choice(('ETTI', 'Intérim insertion'))} {place}"
            case CompanyKind.GEIQ:
                return f"GEIQ {self._rng.choice(('BTP', 'Transport', 'Propreté'))} {place}"
            case CompanyKind.AI:
                return f"Association intermédiaire {place}"
            case CompanyKind.EI:
                return f"{self._rng.choice(('Entreprise', 'Chantier'))} d'insertion {place}"

    def new(self, kind: CompanyKind, sector: str, *, is_sme: bool, in_territory: bool) -> Company:
        """A new company of this kind and sector."""
        company = Company(
            siret=self._siret(),
            name=self._name(kind, sector),
            kind=kind,
            sector=sector,
            is_sme=is_sme,
            in_territory=in_territory,
        )
        self.companies.append(company)
        return company
