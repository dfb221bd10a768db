"""PC4 geography loaded from the reference data folder (pc4_nl.csv and friends)."""

from __future__ import annotations

import csv
import math
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from geopy.distance import geodesic

PC4_FILE = "pc4_nl.csv"
REJECTED_FILE = "pc4_rejected.csv"
GEMEENTE_FILE = "gemeente_regions.csv"
ATTRIBUTION = ("GeoNames (CC BY 4.0)", "CBS (CC BY 4.0)")


class GeoDataError(RuntimeError):
    """The reference data folder is missing or malformed."""


@dataclass(frozen=True, slots=True)
class Gemeente:
    code: str
    name: str
    province: str
    vt_code: str


@dataclass(frozen=True, slots=True)
class Area:
    pc4: str
    lat: float
    lon: float
    place: str
    gemeente: Gemeente
    province: str
    vt_code: str
    vt_name: str
    other_gemeente_codes: tuple[str, ...] = ()
    other_vt_codes: tuple[str, ...] = ()

    @property
    def straddles_regions(self) -> bool:
        return bool(self.other_vt_codes)


@dataclass(frozen=True, slots=True)
class RejectedPc4:
    pc4: str
    place: str
    reason: str


def fold(text: str) -> str:
    """Case- and accent-insensitive key for place names ('s-Hertogenbosch, Fryslân)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum())


@dataclass
class Geography:
    areas: dict[str, Area]
    gemeenten: dict[str, Gemeente]
    vt_names: dict[str, str]
    rejected: dict[str, RejectedPc4] = field(default_factory=dict)
    place_keys: dict[str, set[str]] = field(default_factory=dict)

    def place_pc4s(self, place: str) -> set[str]:
        """PC4s whose place or gemeente has this name (folded)."""
        return self.place_keys.get(fold(place), set())

    def centre_of(self, place: str) -> tuple[float, float] | None:
        """Mean position of the PC4s named after a place: an approximate town centre."""
        pc4s = [
            p for p in self.place_pc4s(place) if self.areas[p].place.casefold() == place.casefold()
        ]
        if not pc4s:
            pc4s = list(self.place_pc4s(place))
        if not pc4s:
            return None
        # fsum: exact, so the set's (hash-seeded) order cannot move the rounded centre.
        lat = math.fsum(self.areas[p].lat for p in pc4s) / len(pc4s)
        lon = math.fsum(self.areas[p].lon for p in pc4s) / len(pc4s)
        return (round(lat, 4), round(lon, 4))


# geodesic(a, b) sets up a new WGS-84 Geodesic on every call (a quarter of its cost);
# one instance keeps it (same figures, bit for bit: tests/services_directory/test_geo.py).
_GEODESIC = geodesic()


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(_GEODESIC.measure(a, b))


def _codes(value: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in value.replace(";", " ").split() if c.strip())


def load_geography(data_dir: Path) -> Geography:
    """Read the PC4 table, gemeente regions and rejected PC4s from `data_dir`."""
    pc4_path = data_dir / PC4_FILE
    gem_path = data_dir / GEMEENTE_FILE
    if not pc4_path.is_file() or not gem_path.is_file():
        raise GeoDataError(
            f"postcode data not found in {data_dir} (need {PC4_FILE}, {GEMEENTE_FILE})"
        )
    gemeenten: dict[str, Gemeente] = {}
    vt_names: dict[str, str] = {}
    with gem_path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            gemeenten[row["gemeente_code"]] = Gemeente(
                row["gemeente_code"], row["gemeente_name"], row["province"], row["vt_code"]
            )
            vt_names[row["vt_code"]] = row["vt_name"]
    areas: dict[str, Area] = {}
    place_keys: dict[str, set[str]] = {}
    with pc4_path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            gem = gemeenten.get(row["gemeente_code"]) or Gemeente(
                row["gemeente_code"], row["gemeente_name"], row["province"], row["vt_code"]
            )
            area = Area(
                pc4=row["pc4"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                place=row["place"],
                gemeente=gem,
                province=row["province"],
                vt_code=row["vt_code"],
                vt_name=row["vt_name"],
                other_gemeente_codes=_codes(row["other_gemeente_codes"]),
                other_vt_codes=_codes(row["other_vt_codes"]),
            )
            areas[area.pc4] = area
            vt_names.setdefault(area.vt_code, area.vt_name)
            for name in (area.place, gem.name):
                place_keys.setdefault(fold(name), set()).add(area.pc4)
    rejected: dict[str, RejectedPc4] = {}
    rejected_path = data_dir / REJECTED_FILE
    if rejected_path.is_file():
        with rejected_path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                rejected[row["pc4"]] = RejectedPc4(row["pc4"], row["geonames_place"], row["reason"])
    if len(areas) < 1000:
        raise GeoDataError(f"{pc4_path} holds only {len(areas)} postcodes")
    return Geography(areas, gemeenten, vt_names, rejected, place_keys)
