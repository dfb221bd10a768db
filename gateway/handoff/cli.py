"""Staff accounts from the command line: `python -m gateway.handoff.cli --help`
(also `hulpwijzer staff ...`).

Accounts are in the gateway's SQL database (HW_GATEWAY_STAFF_DATABASE_URL). The password
is read from a prompt (never from an argument, which would land in shell history and the
process list).
"""

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import typer
from redis.exceptions import RedisError

from gateway.handoff.account_store import InvalidAccount, open_account_store
from gateway.handoff.release import CHECK_SECONDS
from gateway.handoff.service import HandoffService
from gateway.settings import GatewaySettings

# Resuming the bot of a requeued conversation; Rasa down must not hold up the command.
RASA_TIMEOUT_SECONDS = 10.0

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
    """Disable a staff account at once: it cannot sign in, its sessions and open consoles
    stop working (an open console within 10 seconds), and the conversations it holds go
    back to the queue at their original place. Safe to run again."""
    settings = GatewaySettings()
    with open_account_store(settings.staff_database_url) as store:
        found = store.deactivate(username)
    if not found:
        typer.echo(f"No staff account {username!r}.", err=True)
        raise typer.Exit(1)
    try:
        requeued = asyncio.run(requeue_held(settings, username))
    except (RedisError, OSError) as error:
        typer.echo(
            f"Deactivated {username!r}, but Redis could not be reached "
            f"({type(error).__name__}): the gateway puts the conversations it holds back "
            f"in the queue within {CHECK_SECONDS:.0f} seconds, or run this command again.",
            err=True,
        )
        return
    typer.echo(f"Deactivated {username!r}; {requeued} held conversation(s) back in the queue.")


async def requeue_held(settings: GatewaySettings, username: str) -> int:
    async with httpx.AsyncClient(timeout=RASA_TIMEOUT_SECONDS) as http:
        service = HandoffService.from_settings(settings, http)
        try:
            return await service.requeue_held(username)
        finally:
            await service.aclose()


if __name__ == "__main__":
    app()
