"""Master data of GridUnion Continental: the four countries, 30 regions and their tariffs.

The numbers are plausible, not real: population-like region weights, retail prices in the
range of 2025/2026 offers, and the grid operator that actually serves each area.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Country:
    """One country's landing feed: what its meters measure and how it is delivered."""

    code: str  # ISO code used in the data ("DE")
    folder: str  # landing folder ("de")
    timezone: str
    share: float  # share of the rows of a day
    interval_minutes: int
    extension: str
    business_share: float  # share of commercial meters; the rest are households

    @property
    def intervals_per_day(self) -> int:
        """Intervals of a 24-hour day (the DST change days of DE have 92 and 100)."""
        return 24 * 60 // self.interval_minutes


@dataclass(frozen=True)
class Region:
    region_id: str
    region_name: str
    country: str
    grid_operator: str
    weight: float  # relative number of meters


@dataclass(frozen=True)
class Tariff:
    tariff_id: str
    country: str
    tariff_name: str
    energy_price_eur_per_kwh: float  # the normal (T2) price of a time-of-use tariff
    standing_charge_eur_per_month: float
    low_price_eur_per_kwh: float | None  # the low (T1) price; None unless time of use
    business: bool  # offered to commercial meters, not households
    weight: float  # relative popularity within its segment

    @property
    def time_of_use(self) -> bool:
        return self.low_price_eur_per_kwh is not None


# Order is the order of the generated data, the summary and the manifest.
COUNTRIES: tuple[Country, ...] = (
    Country("DE", "de", "Europe/Berlin", 0.40, 15, "csv", 0.15),
    Country("FR", "fr", "Europe/Paris", 0.25, 30, "jsonl", 0.15),
    Country("NL", "nl", "Europe/Amsterdam", 0.20, 60, "csv", 0.10),
    Country("LU", "lu", "Europe/Luxembourg", 0.15, 60, "parquet", 0.20),
)

REGIONS: tuple[Region, ...] = (
    Region("DE-01", "Berlin", "DE", "Stromnetz Berlin GmbH", 3.8),
    Region("DE-02", "Hamburg", "DE", "Stromnetz Hamburg GmbH", 1.9),
    Region("DE-03", "Oberbayern", "DE", "Bayernwerk Netz GmbH", 4.8),
    Region("DE-04", "Franken", "DE", "N-ERGIE Netz GmbH", 4.2),
    Region("DE-05", "Baden-Württemberg", "DE", "Netze BW GmbH", 11.1),
    Region("DE-06", "Rheinland", "DE", "Westnetz GmbH", 9.5),
    Region("DE-07", "Westfalen", "DE", "Westnetz GmbH", 8.4),
    Region("DE-08", "Niedersachsen", "DE", "Avacon Netz GmbH", 8.0),
    Region("DE-09", "Sachsen", "DE", "SachsenNetze GmbH", 4.1),
    Region("DE-10", "Hessen", "DE", "Syna GmbH", 6.3),
    Region("DE-11", "Schleswig-Holstein", "DE", "Schleswig-Holstein Netz AG", 2.9),
    Region("DE-12", "Brandenburg", "DE", "E.DIS Netz GmbH", 2.6),
    Region("FR-01", "Île-de-France", "FR", "Enedis", 12.3),
    Region("FR-02", "Auvergne-Rhône-Alpes", "FR", "Enedis", 8.1),
    Region("FR-03", "Provence-Alpes-Côte d'Azur", "FR", "Enedis", 5.1),
    Region("FR-04", "Occitanie", "FR", "Enedis", 6.0),
    Region("FR-05", "Nouvelle-Aquitaine", "FR", "Enedis", 6.0),
    Region("FR-06", "Hauts-de-France", "FR", "Enedis", 6.0),
    Region("FR-07", "Alsace", "FR", "Strasbourg Électricité Réseaux", 1.9),
    Region("FR-08", "Bretagne", "FR", "Enedis", 3.4),
    Region("FR-09", "Pays de la Loire", "FR", "Enedis", 3.8),
    Region("NL-01", "Noord-Holland", "NL", "Liander N.V.", 2.9),
    Region("NL-02", "Zuid-Holland", "NL", "Stedin Netbeheer B.V.", 3.8),
    Region("NL-03", "Utrecht", "NL", "Stedin Netbeheer B.V.", 1.4),
    Region("NL-04", "Gelderland", "NL", "Liander N.V.", 2.1),
    Region("NL-05", "Noord-Brabant", "NL", "Enexis Netbeheer B.V.", 2.6),
    Region("NL-06", "Groningen", "NL", "Enexis Netbeheer B.V.", 0.6),
    Region("LU-01", "Luxembourg-Ville", "LU", "Creos Luxembourg S.A.", 1.3),
    Region("LU-02", "Esch-sur-Alzette", "LU", "Sudstroum S.A.", 0.6),
    Region("LU-03", "Diekirch", "LU", "Creos Luxembourg S.A.", 0.4),
)

TARIFFS: tuple[Tariff, ...] = (
    Tariff("DE-GRUND", "DE", "Grundversorgung", 0.4012, 13.50, None, False, 3.0),
    Tariff("DE-FIX24", "DE", "Festpreis 24", 0.3290, 11.90, None, False, 4.0),
    Tariff("DE-OEKO", "DE", "Ökostrom Plus", 0.3490, 12.90, None, False, 2.0),
    Tariff("DE-GEWERBE", "DE", "Gewerbestrom", 0.2890, 19.90, None, True, 1.0),
    Tariff("FR-BLEU", "FR", "Tarif Bleu Base", 0.2516, 12.44, None, False, 6.0),
    Tariff("FR-VERTE", "FR", "Offre Verte Fixe", 0.2390, 12.90, None, False, 3.0),
    Tariff("FR-PRO", "FR", "Tarif Bleu Professionnel", 0.2050, 24.60, None, True, 1.0),
    Tariff("NL-DUBBEL", "NL", "Dubbel tarief", 0.3050, 7.50, 0.2640, False, 5.0),
    Tariff("NL-GROEN", "NL", "Groene stroom dubbel", 0.3190, 7.95, 0.2790, False, 3.0),
    Tariff("NL-ZAKELIJK", "NL", "Zakelijk dubbel tarief", 0.2480, 15.00, 0.2110, True, 1.0),
    Tariff("LU-STANDARD", "LU", "Tarif standard", 0.2120, 10.00, None, False, 5.0),
    Tariff("LU-NATUR", "LU", "Naturstroum", 0.2250, 10.50, None, False, 2.0),
    Tariff("LU-PRO", "LU", "Tarif professionnel", 0.1930, 25.00, None, True, 1.0),
)


def regions_of(country: str) -> tuple[Region, ...]:
    return tuple(region for region in REGIONS if region.country == country)


def tariffs_of(country: str) -> tuple[Tariff, ...]:
    return tuple(tariff for tariff in TARIFFS if tariff.country == country)
