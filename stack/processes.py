"""How each process of the stack is started, and how to tell it is ready."""

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from stack.e5_model import DEFAULT_TARGET as E5_MODEL_DIR
from stack.settings import REPO_ROOT, StackSettings
from stack.training import BOT_DIR, bot_environment


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    argv: list[str]
    cwd: Path
    env: dict[str, str]
    # An HTTP URL that answers 200 when ready, or None for Redis (checked with PING).
    health_url: str | None
    ready_timeout_seconds: float = 60.0
    depends_on: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class StackUrls:
    gateway_url: str
    directory_url: str
    rasa_url: str
    rasa_token: str
    actions_url: str
    redis_url: str


def stack_urls(settings: StackSettings) -> StackUrls:
    host = settings.host
    return StackUrls(
        gateway_url=f"http://{host}:{settings.gateway_port}",
        directory_url=f"http://{host}:{settings.directory_port}",
        rasa_url=f"http://{host}:{settings.rasa_port}",
        rasa_token=settings.rasa_token,
        actions_url=f"http://{host}:{settings.actions_port}",
        redis_url=f"redis://{host}:{settings.redis_port}/0",
    )


TRACKER_STORE_TYPE = "stores.redis_tracker.AppendingRedisTrackerStore"


def write_rasa_endpoints(settings: StackSettings, path: Path) -> Path:
    """Rasa's endpoints: Redis tracker and lock store (with expiry) and the action server."""
    urls = stack_urls(settings)
    redis = {"url": settings.host, "port": settings.redis_port, "db": 0, "key_prefix": "hw"}
    endpoints = {
        "action_endpoint": {"url": f"{urls.actions_url}/webhook"},
        "tracker_store": {
            # Rasa's Redis store, without its costly re-merge on every save (bot/stores/).
            "type": TRACKER_STORE_TYPE,
            **redis,
            "record_exp": settings.conversation_ttl_seconds,
        },
        "lock_store": {"type": "redis", **redis},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(endpoints), encoding="utf-8")
    return path


def embedding_threads(settings: StackSettings) -> dict[str, str]:
    threads = str(settings.embedding_threads)
    return {"OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads}


def app_environment(extra: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": str(REPO_ROOT)})
    env.update(extra)
    return env


def uvicorn_argv(settings: StackSettings, factory: str, port: int) -> list[str]:
    # No access log: it would hold IP addresses. Warnings only from uvicorn itself.
    return [
        str(settings.app_python), "-m", "uvicorn", "--factory", factory,
        "--host", settings.host, "--port", str(port),
        "--no-access-log", "--log-level", "warning",
        # Open websockets (handoffs) must not hold a stop or restart for long.
        "--timeout-graceful-shutdown", "5",
    ]  # fmt: skip


def directory_spec(settings: StackSettings, database_url: str | None = None) -> ProcessSpec:
    """The directory process (also started alone by tests of its admin pages)."""
    default_url = f"sqlite:///{settings.var_dir / 'directory.sqlite3'}"
    return ProcessSpec(
        name="directory",
        argv=uvicorn_argv(settings, "services_directory.main:create_app", settings.directory_port),
        cwd=REPO_ROOT,
        env=app_environment(
            {
                "HW_DIRECTORY_DATABASE_URL": database_url
                or os.environ.get("HW_DIRECTORY_DATABASE_URL", default_url)
            }
        ),
        health_url=f"http://{settings.host}:{settings.directory_port}/healthz",
    )


def staff_database_url(settings: StackSettings) -> str:
    """The gateway's staff accounts: a SQLite file in the var dir unless a URL is given."""
    return settings.gateway_staff_database_url or f"sqlite:///{settings.var_dir / 'staff.sqlite3'}"


def process_specs(settings: StackSettings, model: Path) -> list[ProcessSpec]:
    """All processes, in start order."""
    urls = stack_urls(settings)
    run_dir = settings.var_dir
    redis_dir = run_dir / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    endpoints = write_rasa_endpoints(settings, run_dir / "rasa" / "endpoints.yml")
    return [
        ProcessSpec(
            name="redis",
            # No snapshots or AOF: conversations live in memory only, with an expiry.
            argv=[
                settings.redis_server,
                "--port",
                str(settings.redis_port),
                "--bind",
                settings.host,
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(redis_dir),
                "--daemonize",
                "no",
            ],  # fmt: skip
            cwd=REPO_ROOT,
            env=dict(os.environ),
            health_url=None,
            ready_timeout_seconds=15,
        ),
        directory_spec(settings),
        ProcessSpec(
            name="actions",
            argv=[
                str(settings.app_python),
                "-m",
                "rasa_sdk",
                "--actions",
                "actions",
                "--port",
                str(settings.actions_port),
            ],  # fmt: skip
            cwd=REPO_ROOT,
            env=app_environment(
                {"SANIC_HOST": settings.host, "HW_ACTIONS_DIRECTORY_URL": urls.directory_url}
            ),
            health_url=f"{urls.actions_url}/health",
        ),
        ProcessSpec(
            name="rasa",
            argv=[
                str(settings.bot_python),
                "-m",
                "rasa",
                "run",
                "--model",
                str(model),
                "--endpoints",
                str(endpoints),
                "--credentials",
                "credentials.yml",
                "--enable-api",
                # "=" form: a token starting with "-" must not read as an option.
                f"--auth-token={settings.rasa_token}",
                "--interface",
                settings.host,
                "--port",
                str(settings.rasa_port),
            ],  # fmt: skip
            cwd=BOT_DIR,
            env={
                **bot_environment(),
                **embedding_threads(settings),
                "SANIC_WORKERS": str(settings.rasa_workers),
            },
            health_url=f"{urls.rasa_url}/status?token={settings.rasa_token}",
            ready_timeout_seconds=180,
            depends_on=("redis",),
        ),
        ProcessSpec(
            name="gateway",
            argv=uvicorn_argv(settings, "gateway.main:create_app", settings.gateway_port),
            cwd=REPO_ROOT,
            env=app_environment(
                {
                    "HW_GATEWAY_REDIS_URL": urls.redis_url,
                    "HW_GATEWAY_RASA_URL": urls.rasa_url,
                    "HW_GATEWAY_RASA_TOKEN": settings.rasa_token,
                    "HW_GATEWAY_ACTIONS_URL": urls.actions_url,
                    "HW_GATEWAY_DIRECTORY_URL": urls.directory_url,
                    "HW_GATEWAY_STAFF_DATABASE_URL": staff_database_url(settings),
                    "HW_GATEWAY_CONVERSATION_TTL_SECONDS": str(settings.conversation_ttl_seconds),
                    "HW_GATEWAY_EMBEDDING_MODEL": os.environ.get(
                        "HW_GATEWAY_EMBEDDING_MODEL", str(E5_MODEL_DIR)
                    ),
                    "HW_GATEWAY_EMBEDDING_THREADS": str(settings.embedding_threads),
                    **embedding_threads(settings),
                }
            ),
            health_url=f"{urls.gateway_url}/healthz",
            # Loads the e5 model for the safety net: about 10 s alone, more on a busy machine.
            ready_timeout_seconds=180,
            depends_on=("redis", "rasa", "actions", "directory"),
        ),
    ]
