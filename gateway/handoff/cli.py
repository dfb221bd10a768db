"""Staff accounts from the command line: `python -m gateway.handoff.cli --help`.

The password is read from a prompt (never from an argument, which would land in shell
history and the process list).
"""

import asyncio
from datetime import UTC, datetime, timedelta

import typer
from redis.asyncio import Redis

from gateway.handoff.accounts import InvalidAccount, StaffAccounts
from gateway.settings import GatewaySettings

app = typer.Typer(help="Staff accounts of the handoff console.", no_args_is_help=True)


def accounts(settings: GatewaySettings, redis: Redis) -> StaffAccounts:
    return StaffAccounts(
        redis,
        settings.staff_session_seconds,
        settings.staff_max_failed_logins,
        settings.staff_lockout_seconds,
    )


@app.command()
def create(
    username: str,
    valid_days: int = typer.Option(365, min=1, help="The account expires after this many days."),
) -> None:
    """Create a staff account."""
    password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    settings = GatewaySettings()

    async def run() -> None:
        redis = Redis.from_url(settings.redis_url, decode_responses=True)
        try:
            expires = datetime.now(UTC) + timedelta(days=valid_days)
            await accounts(settings, redis).create(username, password, expires)
        finally:
            await redis.aclose()

    try:
        asyncio.run(run())
    except InvalidAccount as error:
        typer.echo(f"Not created: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Created staff account {username!r} (expires in {valid_days} days).")


@app.command()
def deactivate(username: str) -> None:
    """Disable a staff account at once (its sessions stop working)."""
    settings = GatewaySettings()

    async def run() -> None:
        redis = Redis.from_url(settings.redis_url, decode_responses=True)
        try:
            await accounts(settings, redis).deactivate(username)
        finally:
            await redis.aclose()

    asyncio.run(run())
    typer.echo(f"Deactivated {username!r}.")


if __name__ == "__main__":
    app()
