"""docker-compose.yml cannot run here (no Docker engine): keep it consistent with make run."""

from pathlib import Path
from typing import Any

import pytest
import yaml

from stack.processes import process_specs
from stack.settings import REPO_ROOT, StackSettings

COMPOSE = REPO_ROOT / "docker-compose.yml"
PYTHON_PROCESSES = ("rasa", "actions", "directory", "gateway")


@pytest.fixture
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


@pytest.fixture
def specs(tmp_path: Path) -> dict[str, list[str]]:
    settings = StackSettings(var_dir=tmp_path, rasa_token="token")
    return {spec.name: spec.argv for spec in process_specs(settings, tmp_path / "model.tar.gz")}


def flags(argv: list[str]) -> set[str]:
    return {arg.split("=", 1)[0] for arg in argv if arg.startswith("--")}


def option(argv: list[str], name: str) -> str:
    return argv[argv.index(name) + 1]


def test_describe_same_processes(compose: dict[str, Any], specs: dict[str, list[str]]) -> None:
    assert set(compose["services"]) == set(specs) | {"proxy"}


def test_give_every_service_a_health_check(compose: dict[str, Any]) -> None:
    missing = [
        name for name, service in compose["services"].items() if "healthcheck" not in service
    ]
    assert missing == []


@pytest.mark.parametrize("name", PYTHON_PROCESSES)
def test_use_same_command_and_port(
    compose: dict[str, Any], specs: dict[str, list[str]], name: str
) -> None:
    command = compose["services"][name]["command"]
    argv = specs[name]
    assert command[1:3] == argv[1:3], "same module started (-m rasa / rasa_sdk / uvicorn)"
    assert flags(command) == flags(argv)
    assert option(command, "--port") == option(argv, "--port")
    if "--factory" in argv:
        assert option(command, "--factory") == option(argv, "--factory")


def test_keep_redis_memory_only(compose: dict[str, Any], specs: dict[str, list[str]]) -> None:
    command = compose["services"]["redis"]["command"]
    assert option(command, "--save") == option(specs["redis"], "--save") == ""
    assert option(command, "--appendonly") == option(specs["redis"], "--appendonly") == "no"
    assert option(command, "--port") == option(specs["redis"], "--port")


def test_connect_gateway_to_same_services(compose: dict[str, Any], tmp_path: Path) -> None:
    """Every URL make run gives the gateway (Redis, Rasa, ..., the staff database) is set."""
    specs = process_specs(StackSettings(var_dir=tmp_path), tmp_path / "model.tar.gz")
    gateway = next(spec for spec in specs if spec.name == "gateway")
    urls = {
        name for name in gateway.env if name.startswith("HW_GATEWAY_") and name.endswith("_URL")
    }
    assert "HW_GATEWAY_STAFF_DATABASE_URL" in urls
    assert urls <= set(compose["services"]["gateway"]["environment"])


def test_configure_rasa_stores_alike(tmp_path: Path) -> None:
    compose_endpoints = yaml.safe_load((REPO_ROOT / "deploy" / "endpoints.yml").read_text())
    process_specs(StackSettings(var_dir=tmp_path), tmp_path / "model.tar.gz")
    stack_endpoints = yaml.safe_load((tmp_path / "rasa" / "endpoints.yml").read_text())
    for store in ("tracker_store", "lock_store"):
        for key in ("type", "key_prefix", "db", "record_exp"):
            assert compose_endpoints[store].get(key) == stack_endpoints[store].get(key), (
                store,
                key,
            )


def test_limit_embedding_threads_alike(compose: dict[str, Any], tmp_path: Path) -> None:
    """Rasa and the gateway each embed with one OpenMP thread, in make run and in compose."""
    specs = process_specs(StackSettings(var_dir=tmp_path), tmp_path / "model.tar.gz")
    for name in ("rasa", "gateway"):
        spec = next(spec for spec in specs if spec.name == name)
        assert spec.env["OMP_NUM_THREADS"] == "1", name
        assert compose["services"][name]["environment"]["OMP_NUM_THREADS"] == "1", name
