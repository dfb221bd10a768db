"""Build pc4_nl.csv from a GeoNames postal dump (NL.txt), so a deployment can refresh it."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from services_directory.geo import GEMEENTE_FILE, PC4_FILE, REJECTED_FILE, load_geography

PC4_COLUMNS = [
    "pc4", "lat", "lon", "place", "gemeente_code", "gemeente_name", "province", "vt_code",
    "vt_name", "other_gemeente_codes", "other_vt_codes", "coord_source", "note",
]  # fmt: skip
# The reference folder's other files that the directory reads next to pc4_nl.csv.
COMPANION_FILES = (GEMEENTE_FILE, REJECTED_FILE, "SOURCES.csv")


@dataclass
class GeonamesReport:
    written: int = 0
    skipped: list[str] = field(default_factory=list)


def read_geonames(lines: Iterable[str]) -> Iterator[dict[str, str]]:
    """Rows of the standard GeoNames postal format (12 tab-separated columns)."""
    for number, line in enumerate(lines, start=1):
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 11 or parts[0] != "NL":
            raise ValueError(f"line {number}: not a GeoNames NL postal row")
        yield {
            "postal_code": parts[1].strip(),
            "place": parts[2].strip(),
            "province": parts[3].strip(),
            "gemeente_code": parts[6].strip(),
            "lat": parts[9].strip(),
            "lon": parts[10].strip(),
        }


def build_pc4_table(
    rows: Iterable[dict[str, str]], reference_dir: Path, output_dir: Path
) -> GeonamesReport:
    """Write output_dir/pc4_nl.csv; regions come from the reference gemeente table, and
    straddling info is kept from the reference PC4 table where the PC4 is known."""
    geo = load_geography(reference_dir)
    report = GeonamesReport()
    seen: set[str] = set()
    output_dir.mkdir(parents=True, exist_ok=True)
    rejected = set(geo.rejected)
    with (output_dir / PC4_FILE).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=PC4_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            pc4 = row["postal_code"][:4]
            if pc4 in seen or pc4 in rejected:
                continue
            code = f"GM{row['gemeente_code'].zfill(4)}" if row["gemeente_code"] else ""
            gemeente = geo.gemeenten.get(code)
            if gemeente is None or not pc4.isdigit() or len(pc4) != 4:
                report.skipped.append(
                    f"{pc4} {row['place']}: gemeente {code or '?'} not in CBS table"
                )
                continue
            try:
                lat, lon = float(row["lat"]), float(row["lon"])
            except ValueError:
                report.skipped.append(f"{pc4}: bad coordinates")
                continue
            known = geo.areas.get(pc4)
            writer.writerow(
                {
                    "pc4": pc4, "lat": f"{lat:.4f}", "lon": f"{lon:.4f}", "place": row["place"],
                    "gemeente_code": code, "gemeente_name": gemeente.name,
                    "province": gemeente.province, "vt_code": gemeente.vt_code,
                    "vt_name": geo.vt_names.get(gemeente.vt_code, ""),
                    "other_gemeente_codes": ";".join(known.other_gemeente_codes) if known else "",
                    "other_vt_codes": ";".join(known.other_vt_codes) if known else "",
                    "coord_source": "geonames_import", "note": "",
                }
            )  # fmt: skip
            seen.add(pc4)
            report.written += 1
    for name in COMPANION_FILES:
        source = reference_dir / name
        if source.is_file() and source.resolve() != (output_dir / name).resolve():
            shutil.copyfile(source, output_dir / name)
    return report
