"""Staff accounts from the command line: `python -m gateway.handoff.cli --help`
(also `hulpwijzer staff ...`).

Accounts are in the gateway's SQL database (HW_GATEWAY_STAFF_DATABASE_URL). The password
is read from a prompt (never from an argument, which would land in shell history and the
process list).
"""

from datetime import UTC, datetime, timedelta

import typer

from gateway.handoff.account_store import InvalidAccount, open_account_store
from gateway.settings import GatewaySettings

app = typer.Typer(help="Staff accounts of the handoff console.", no_args_is_help=True)


@app.command()
def create(
    username: str,
    valid_days: int = typer.Option(365, min=1, help="The account expires after this many days."),
) -> None:
    """Create a staff account."""
    password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    expires = datetime.now(UTC) + timedelta(days=valid_days)
    try:
        with open_account_store(GatewaySettings().staff_database_url) as store:
            store.create(username, password, expires)
    except InvalidAccount as error:
        typer.echo(f"Not created: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Created staff account {username!r} (expires in {valid_days} days).")


@app.command()
def deactivate(username: str) -> None:
    """Disable a staff account at once: it cannot sign in, and its sessions and open
    consoles stop working (an open console within 10 seconds)."""
    with open_account_store(GatewaySettings().staff_database_url) as store:
        found = store.deactivate(username)
    if not found:
        typer.echo(f"No staff account {username!r}.", err=True)
        raise typer.Exit(1)
    typer.echo(f"Deactivated {username!r}.")


if __name__ == "__main__":
    app()
