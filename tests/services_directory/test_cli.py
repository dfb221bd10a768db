"""The CLI as a user runs it (python -m services_directory.cli ...)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

from services_directory.settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[2]


def _cli(database_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HW_DIRECTORY_DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "services_directory.cli", *args],
        cwd=REPO_ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_cli_create_admin_export_import_verify(settings: Settings, tmp_path: Path) -> None:
    url = settings.database_url
    created = _cli(url, "create-admin", "dora", "--password-stdin", stdin="dora-password-12\n")
    assert created.returncode == 0, created.stderr
    again = _cli(url, "create-admin", "dora", "--password-stdin", stdin="dora-password-12\n")
    assert again.returncode == 1 and "already exists" in again.stderr
    short = _cli(url, "create-admin", "eve", "--password-stdin", stdin="short\n")
    assert short.returncode == 1 and "12 characters" in short.stderr

    out = tmp_path / "directory.csv"
    assert _cli(url, "export", "--output", str(out)).returncode == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 62
    rows[3]["phone_1_number"] = "abc"
    bad = tmp_path / "bad.csv"
    with bad.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    refused = _cli(url, "import", str(bad), "--apply")
    assert refused.returncode == 1
    assert f"{bad}:5: phone_1_number" in refused.stderr
    assert "nothing was changed" in refused.stderr

    verified = _cli(url, "verify")
    assert verified.returncode == 0, verified.stderr
    assert "4081 PC4s routed, 0 problem(s)" in verified.stdout
    assert "routing every PC4" in verified.stderr  # the progress bar

    hsds = _cli(url, "export", "--format", "hsds")
    assert hsds.returncode == 0 and '"standard": "Open Referral HSDS 3.0"' in hsds.stdout


def test_cli_import_geonames_dump(settings: Settings, tmp_path: Path) -> None:
    dump = tmp_path / "NL.txt"
    dump.write_text(
        "NL\t3511\tUtrecht\tUtrecht\t09\tUtrecht\t0344\t\t\t52.0928\t5.1131\t6\n"
        "NL\t3511\tUtrecht\tUtrecht\t09\tUtrecht\t0344\t\t\t52.0929\t5.1132\t6\n"
        "NL\t2242\tWassenaar\tZuid-Holland\t11\tWassenaar\t0629\t\t\t52.1449\t4.3951\t6\n"
        "NL\t9999\tNowhere\tGroningen\t04\tGone\t9998\t\t\t53.0\t6.0\t6\n",
        encoding="utf-8",
    )
    out_dir = tmp_path / "geo"
    result = _cli(settings.database_url, "import-geonames", str(dump), "--output-dir", str(out_dir))
    assert result.returncode == 0, result.stderr
    assert "wrote 2 PC4s" in result.stdout
    assert "GM9998 not in CBS table" in result.stderr
    rows = list(csv.DictReader((out_dir / "pc4_nl.csv").open(encoding="utf-8")))
    assert [(r["pc4"], r["vt_code"], r["other_vt_codes"]) for r in rows] == [
        ("3511", "VT20", ""),
        ("2242", "VT09", "VT10"),
    ]
    assert (out_dir / "gemeente_regions.csv").is_file()
    broken = tmp_path / "broken.txt"
    broken.write_text("this is not geonames\n", encoding="utf-8")
    failed = _cli(
        settings.database_url, "import-geonames", str(broken), "--output-dir", str(out_dir)
    )
    assert failed.returncode == 1 and "line 1" in failed.stderr
