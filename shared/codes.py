"""Codes of the domain vocabulary (English codes; French labels for people)."""

from enum import StrEnum


class MarketCategory(StrEnum):
    """Category of a public market, as reported in the assessment."""

    WORKS = "works"
    SUPPLIES = "supplies"
    SERVICES = "services"
    INTELLECTUAL_SERVICES = "intellectual_services"
    PUBLIC_SERVICE_DELEGATION = "public_service_delegation"


class SocialConsideration(StrEnum):
    """How a market takes social matters into account (DECP `considerationsSociales`)."""

    SOCIAL_CLAUSE = "social_clause"
    SOCIAL_CRITERION = "social_criterion"
    RESERVED_MARKET = "reserved_market"


class EnvironmentalConsideration(StrEnum):
    """How a market takes the environment into account (DECP `considerationsEnvironnementales`)."""

    ENVIRONMENTAL_CLAUSE = "environmental_clause"
    ENVIRONMENTAL_CRITERION = "environmental_criterion"


class Gender(StrEnum):
    """Gender of a beneficiary; the assessment reports female and male, `unspecified` apart."""

    FEMALE = "female"
    MALE = "male"
    UNSPECIFIED = "unspecified"


class ContractType(StrEnum):
    """Type of the work contract signed by a beneficiary."""

    CDI = "cdi"
    CDI_INCLUSION = "cdi_inclusion"
    CDD = "cdd"
    CDDI = "cddi"
    INTERIM = "interim"
    CTTI = "ctti"
    APPRENTICESHIP = "apprenticeship"
    PROFESSIONALISATION = "professionalisation"
    OTHER = "other"


ALTERNANCE: frozenset[ContractType] = frozenset(
    {ContractType.APPRENTICESHIP, ContractType.PROFESSIONALISATION}
)


class EligiblePublic(StrEnum):
    """Why a beneficiary is eligible to the insertion clause."""

    RSA = "rsa"
    DELD = "deld"
    DETLD = "detld"
    YOUTH_UNDER_26 = "youth_under_26"
    RQTH = "rqth"
    QPV = "qpv"
    AAH = "aah"
    ASS = "ass"
    SENIOR_OVER_50 = "senior_over_50"
    SIAE_EMPLOYEE = "siae_employee"
    OTHER_VALIDATED = "other_validated"


class Modality(StrEnum):
    """How the holder meets its insertion commitment."""

    DIRECT_HIRE = "direct_hire"
    TEMPORARY_INSERTION = "temporary_insertion"
    STAFF_PROVISION = "staff_provision"
    SIAE_SUBCONTRACTING = "siae_subcontracting"
    TRAINING = "training"


LABELS_FR: dict[str, str] = {
    MarketCategory.WORKS: "Travaux",
    MarketCategory.SUPPLIES: "Fournitures",
    MarketCategory.SERVICES: "Services",
    MarketCategory.INTELLECTUAL_SERVICES: "Prestations intellectuelles",
    MarketCategory.PUBLIC_SERVICE_DELEGATION: "Délégation de service public",
    SocialConsideration.SOCIAL_CLAUSE: "Clause sociale",
    SocialConsideration.SOCIAL_CRITERION: "Critère social",
    SocialConsideration.RESERVED_MARKET: "Marché réservé",
    EnvironmentalConsideration.ENVIRONMENTAL_CLAUSE: "Clause environnementale",
    EnvironmentalConsideration.ENVIRONMENTAL_CRITERION: "Critère environnemental",
    Gender.FEMALE: "Femmes",
    Gender.MALE: "Hommes",
    Gender.UNSPECIFIED: "Non renseigné",
    ContractType.CDI: "CDI",
    ContractType.CDI_INCLUSION: "CDI inclusion",
    ContractType.CDD: "CDD",
    ContractType.CDDI: "CDDI",
    ContractType.INTERIM: "Intérim",
    ContractType.CTTI: "CTTI",
    ContractType.APPRENTICESHIP: "Contrat d'apprentissage",
    ContractType.PROFESSIONALISATION: "Contrat de professionnalisation",
    ContractType.OTHER: "Autre",
    EligiblePublic.RSA: "Bénéficiaire du RSA",
    EligiblePublic.DELD: "Demandeur d'emploi de longue durée",
    EligiblePublic.DETLD: "Demandeur d'emploi de très longue durée",
    EligiblePublic.YOUTH_UNDER_26: "Jeune de moins de 26 ans",
    EligiblePublic.RQTH: "Travailleur handicapé (RQTH)",
    EligiblePublic.QPV: "Résident d'un quartier prioritaire (QPV)",
    EligiblePublic.AAH: "Bénéficiaire de l'AAH",
    EligiblePublic.ASS: "Bénéficiaire de l'ASS",
    EligiblePublic.SENIOR_OVER_50: "Senior de plus de 50 ans",
    EligiblePublic.SIAE_EMPLOYEE: "Salarié d'une SIAE",
    EligiblePublic.OTHER_VALIDATED: "Autre public validé par le facilitateur",
    Modality.DIRECT_HIRE: "Embauche directe",
    Modality.TEMPORARY_INSERTION: "Intérim d'insertion (ETTI)",
    Modality.STAFF_PROVISION: "Mise à disposition (GEIQ, AI)",
    Modality.SIAE_SUBCONTRACTING: "Sous-traitance à une SIAE",
    Modality.TRAINING: "Formation",
}
