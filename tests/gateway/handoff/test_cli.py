"""`hulpwijzer staff create|deactivate` against the gateway's SQL database."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from gateway.handoff.account_store import open_account_store
from stack.cli import app

PASSWORD = "correct horse battery"


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'staff.sqlite3'}"
    monkeypatch.setenv("HW_GATEWAY_STAFF_DATABASE_URL", url)
    return url


def test_create_staff_account_from_command_line(database_url: str) -> None:
    result = CliRunner().invoke(
        app, ["staff", "create", "carla", "--valid-days", "30"], input=f"{PASSWORD}\n" * 2
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    with open_account_store(database_url) as store:
        account = store.check_password("carla", PASSWORD)
    assert account is not None and account.may_sign_in()


def test_refuse_short_password_from_command_line(database_url: str) -> None:
    result = CliRunner().invoke(app, ["staff", "create", "carla"], input="short\nshort\n")
    assert result.exit_code == 1
    assert "Not created: password" in result.output


def test_deactivate_staff_account_from_command_line(database_url: str) -> None:
    with open_account_store(database_url) as store:
        store.create("dirk", PASSWORD, None)
    result = CliRunner().invoke(app, ["staff", "deactivate", "dirk"])
    assert result.exit_code == 0, result.output
    with open_account_store(database_url) as store:
        account = store.get("dirk")
    assert account is not None and not account.active
    unknown = CliRunner().invoke(app, ["staff", "deactivate", "nobody-here"])
    assert unknown.exit_code == 1
