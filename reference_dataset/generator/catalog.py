"""Titles and CPV codes of the region's markets, by category (realistic, invented)."""

import random

from shared.codes import MarketCategory

TOWNS = (
    "Nantes", "Angers", "Le Mans", "Laval", "La Roche-sur-Yon", "Saint-Nazaire", "Cholet",
    "Saumur", "Challans", "Château-Gontier", "Sablé-sur-Sarthe", "Ancenis", "Les Sables-d'Olonne",
    "Mayenne", "La Flèche", "Clisson", "Segré", "Fontenay-le-Comte", "Nort-sur-Erdre", "Pornic",
)  # fmt: skip
DEPARTMENTS = ("Loire-Atlantique", "Maine-et-Loire", "Mayenne", "Sarthe", "Vendée")
TRADES = ("gros œuvre", "charpente", "couverture", "menuiseries", "électricité", "plomberie",
          "peinture", "VRD", "cloisons", "chauffage")  # fmt: skip

_TITLES: dict[MarketCategory, tuple[tuple[str, str], ...]] = {
    MarketCategory.WORKS: (
        ("Construction du lycée de {town} — lot {lot} {trade}", "45214220"),
        ("Rénovation énergétique du lycée de {town} — lot {lot} {trade}", "45453000"),
        ("Restructuration de la demi-pension du lycée de {town}", "45210000"),
        ("Centre de maintenance ferroviaire de {town} — lot {lot} {trade}", "45213000"),
    ),
    MarketCategory.SERVICES: (
        ("Nettoyage des locaux de la Région à {town}", "90910000"),
        ("Entretien des espaces verts des lycées de {dept}", "77310000"),
        ("Transport scolaire en {dept} — lot {lot}", "60130000"),
        ("Maintenance des ascenseurs des lycées de {dept}", "50750000"),
        ("Gardiennage des sites régionaux de {town}", "79713000"),
        ("Formation professionnelle des demandeurs d'emploi — {dept}", "80530000"),
    ),
    MarketCategory.SUPPLIES: (
        ("Fourniture de gilets haute visibilité pour les élèves transportés", "35113400"),
        ("Fourniture de mobilier scolaire pour les lycées de {dept}", "39160000"),
        ("Fourniture d'ordinateurs portables pour les lycéens", "30213100"),
        ("Fourniture de denrées pour la restauration des lycées de {dept}", "15000000"),
        ("Fourniture de copieurs et de consommables", "30120000"),
    ),
    MarketCategory.INTELLECTUAL_SERVICES: (
        ("Maîtrise d'œuvre du lycée de {town}", "71000000"),
        ("Assistance à maîtrise d'ouvrage — schéma des mobilités", "71311000"),
        ("Étude de fréquentation des lignes régionales en {dept}", "79311000"),
        ("Évaluation de la politique régionale de formation", "79419000"),
    ),
    MarketCategory.PUBLIC_SERVICE_DELEGATION: (
        ("Délégation de service public — lignes régulières Aléop en {dept}", "60112000"),
    ),
}
_RESERVED = (
    ("Entretien des espaces verts de l'Hôtel de Région — marché réservé", "77310000"),
    ("Blanchisserie des internats de {dept} — marché réservé", "98311000"),
    ("Mise sous pli et routage — marché réservé", "79571000"),
)


def title_and_cpv(
    rng: random.Random, category: MarketCategory, *, reserved: bool
) -> tuple[str, str]:
    """A title and its CPV code for a market of this category."""
    template, cpv = rng.choice(_RESERVED if reserved else _TITLES[category])
    title = template.format(
        town=rng.choice(TOWNS),
        dept=rng.choice(DEPARTMENTS),
        lot=rng.randint(1, 14),
        trade=rng.choice(TRADES),
    )
    return title, cpv
