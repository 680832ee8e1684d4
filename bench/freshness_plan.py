"""The identities and reports of the freshness benchmark: markets, holders, contracts, hours."""

from dataclasses import dataclass
from typing import Any

from reference_dataset.generator.companies import with_check_digit

HOLDERS = 100  # a market lists at most 100 holders


@dataclass(frozen=True)
class Plan:
    """The identities of the run: markets, their holders, a contract per (market, holder)."""

    run: str
    year: int
    markets: int

    def market_id(self, m: int) -> str:
        return f"FRESH-{self.run}-{m:03d}"

    @staticmethod
    def siret(h: int) -> str:
        """Holder h's SIRET, with the key ingest checks (Luhn on the 14 digits)."""
        return with_check_digit(f"{7900000000000 + h:013d}")

    def identity(self, i: int) -> tuple[int, int, int]:
        """Report i's market, holder and month: consecutive reports go to different markets."""
        rest, m = divmod(i, self.markets)
        month, h = divmod(rest, HOLDERS)
        return m, h, month + 1

    @staticmethod
    def cents(i: int) -> int:
        """Report i's hours in hundredths: 1.00 to 19.99, varied."""
        return 100 + (i * 7919) % 1900

    def market(self, m: int) -> dict[str, Any]:
        return {
            "market_id": self.market_id(m),
            "buyer": {"siret": "23440003400026", "name": "Acheteur du banc d'essai"},
            "title": f"Marché de mesure {m}",
            "category": "works",
            "amount_ht": "1250000.00",
            "notification_date": f"{self.year - 1}-12-01",
            "duration_months": 36,
            "holders": [
                {"siret": self.siret(h), "is_sme": True, "in_territory": True}
                for h in range(HOLDERS)
            ],
            "social_considerations": ["social_clause"],
            "insertion_commitment": {"hours_per_10k_eur_ht": 10, "min_hours_per_year": 150},
        }

    def contract(self, m: int, h: int) -> dict[str, Any]:
        return {
            "contract_id": f"C-{m:03d}-{h:03d}",
            "beneficiary_id": f"{self.run}-{m:03d}-{h:03d}",
            "gender": ("female", "male")[h % 2],
            "contract_type": "cddi",
            "eligible_public": "rsa",
            "modality": "direct_hire",
            "employer_siret": self.siret(h),
            "market_id": self.market_id(m),
            "start_date": f"{self.year}-01-01",
        }

    def report(self, i: int) -> dict[str, Any]:
        m, h, month = self.identity(i)
        cents = self.cents(i)
        line = {
            "beneficiary_id": f"{self.run}-{m:03d}-{h:03d}",
            "contract_id": f"C-{m:03d}-{h:03d}",
            "insertion_hours": f"{cents // 100}.{cents % 100:02d}",
        }
        return {
            "market_id": self.market_id(m),
            "employer_siret": self.siret(h),
            "period": f"{self.year}-{month:02d}",
            "lines": [line],
        }
