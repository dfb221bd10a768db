"""Command line: python -m services_directory.cli COMMAND (see --help)."""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select
from tqdm import tqdm

from services_directory.admin import accounts, csv_io
from services_directory.hsds import export_hsds
from services_directory.main import startup
from services_directory.models import SHELTER_KIND, ServiceAtLocation, Source
from services_directory.postcode import PostcodeError
from services_directory.routing import route
from services_directory.settings import Settings

app = typer.Typer(help="Hulpwijzer services directory", no_args_is_help=True)


@app.command("create-admin")
def create_admin(
    username: str,
    role: Annotated[str, typer.Option(help="admin or editor")] = "admin",
    password_stdin: Annotated[bool, typer.Option(help="read the password from stdin")] = False,
) -> None:
    """Create an admin or editor account."""
    password = sys.stdin.readline().rstrip("\n") if password_stdin else getpass.getpass()
    directory = startup(Settings())
    try:
        with directory.sessions.begin() as session:
            accounts.create_account(session, username, password, role)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"created {role} {username}")


@app.command("export")
def export(
    output: Annotated[Path | None, typer.Option(help="file to write (default stdout)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv or hsds")] = "csv",
) -> None:
    """Export the whole directory as CSV or HSDS 3 JSON."""
    directory = startup(Settings())
    with directory.sessions() as session:
        if fmt == "csv":
            text = csv_io.export_csv(session)
        elif fmt == "hsds":
            text = json.dumps(
                export_hsds(session, include_metadata=True), ensure_ascii=False, indent=1
            )
        else:
            typer.echo("error: --format is csv or hsds", err=True)
            raise typer.Exit(2)
    if output:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}")
    else:
        sys.stdout.write(text)


@app.command("import")
def import_csv(
    path: Path,
    apply: Annotated[bool, typer.Option(help="apply (default: only show the diff)")] = False,
    actor: Annotated[str, typer.Option(help="name written to the audit trail")] = "cli-import",
) -> None:
    """Check a CSV and show the diff; --apply applies it all or nothing."""
    directory = startup(Settings())
    text = path.read_text(encoding="utf-8-sig")
    with directory.sessions() as session:
        plan = csv_io.plan_import(session, text, directory.geo.vt_names)
        for error in plan.errors:
            typer.echo(f"{path}:{error['line']}: {error['field']}: {error['reason']}", err=True)
        if plan.errors:
            typer.echo(f"{len(plan.errors)} problem(s); nothing was changed", err=True)
            raise typer.Exit(1)
        diff = plan.diff_json()
        for row in diff["rows"]:
            changed = json.dumps(row["changes"], ensure_ascii=False)
            typer.echo(f"line {row['line']}: {row['action']} {row['key']} {changed}")
            if row["needs_approval"]:
                typer.echo(f"    waits for a second admin: {', '.join(row['needs_approval'])}")
        typer.echo(json.dumps(diff["summary"]))
        if apply:
            csv_io.apply_import(session, plan, actor, directory.geo.vt_names)
            session.commit()
            typer.echo("applied")


@app.command("verify")
def verify() -> None:
    """Check the data: sources resolve, no shelter location, every PC4 routes."""
    directory = startup(Settings())
    problems: list[str] = []
    with directory.sessions() as session:
        sources = set(session.scalars(select(Source.id)))
        rows = csv_io.export_rows(session)
        for row in rows:
            for source in filter(None, row["sources"].split(";")):
                if source not in sources:
                    problems.append(f"{row['key']}: unknown source {source}")
        shelter_links = session.scalars(
            select(ServiceAtLocation).where(ServiceAtLocation.service_kind == SHELTER_KIND)
        ).all()
        problems.extend(f"shelter location link {link.id}" for link in shelter_links)
        unconfirmed = sum(1 for row in rows if row["unconfirmed"])
    index = directory.index
    for pc4 in tqdm(sorted(directory.geo.areas), desc="routing every PC4", unit="pc4"):
        try:
            body = route(directory.geo, index, pc4)
        except PostcodeError as exc:
            problems.append(f"{pc4}: {exc.code}")
            continue
        kinds = [s["kind"] for s in body["services"]]
        if (
            not kinds
            or kinds[0] != "emergency"
            or "veilig_thuis" not in kinds
            or "csg" not in kinds
        ):
            problems.append(f"{pc4}: services {kinds[:4]}")
    for problem in problems:
        typer.echo(f"problem: {problem}", err=True)
    typer.echo(
        f"{len(rows)} services, {unconfirmed} with unconfirmed fields, "
        f"{len(directory.geo.areas)} PC4s routed, {len(problems)} problem(s)"
    )
    if problems:
        raise typer.Exit(1)


@app.command("import-geonames")
def import_geonames(
    nl_txt: Path,
    output_dir: Annotated[
        Path, typer.Option(help="folder to write pc4_nl.csv (+ companions) into")
    ],
) -> None:
    """Build pc4_nl.csv from a GeoNames NL.txt; point HW_DIRECTORY_DATA_DIR at the output."""
    from services_directory.geonames import build_pc4_table, read_geonames

    settings = Settings()
    total = sum(1 for _ in nl_txt.open(encoding="utf-8"))
    with nl_txt.open(encoding="utf-8") as handle:
        lines = tqdm(handle, total=total, desc="GeoNames rows", unit="row")
        try:
            report = build_pc4_table(read_geonames(lines), settings.data_dir, output_dir)
        except ValueError as exc:
            typer.echo(f"error: {nl_txt}: {exc}", err=True)
            raise typer.Exit(1) from exc
    for skipped in report.skipped[:20]:
        typer.echo(f"skipped: {skipped}", err=True)
    typer.echo(
        f"wrote {report.written} PC4s to {output_dir / 'pc4_nl.csv'} "
        f"({len(report.skipped)} skipped)"
    )


if __name__ == "__main__":
    app()
