"""Configuration of the directory process (one class, env prefix HW_DIRECTORY_)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
_DEV_SECRET = "development-only-secret-key"


def _default_database_url() -> str:
    return f"sqlite:///{REPO_ROOT / 'var' / 'directory.sqlite3'}"


class Settings(BaseSettings):
    """Settings for the services directory; read from HW_DIRECTORY_* variables."""

    model_config = SettingsConfigDict(env_prefix="HW_DIRECTORY_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = Field(default_factory=lambda: REPO_ROOT.parent / "shared" / "data" / "nl")
    database_url: str = Field(default_factory=_default_database_url)
    # Outside development a real secret must be given (checked below).
    secret_key: SecretStr = SecretStr(_DEV_SECRET)
    auto_migrate: bool = True
    auto_seed: bool = True
    seed_file: Path = Field(
        default_factory=lambda: Path(__file__).resolve().parent / "seed" / "directory.yaml"
    )
    # How often (seconds) a replica checks whether another one changed the data.
    cache_check_seconds: float = 2.0
    session_hours: float = 8.0
    lockout_failures: int = 5
    lockout_minutes: int = 15
    max_body_bytes: int = 1_000_000
    admin_pages_dir: Path = Field(default_factory=lambda: REPO_ROOT / "web_widget" / "admin")
    cookie_secure: bool = False

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if self.environment != "development":
            value = self.secret_key.get_secret_value()
            if value == _DEV_SECRET or len(value) < 32:
                raise ValueError(
                    "HW_DIRECTORY_SECRET_KEY must be set (at least 32 characters) "
                    f"when HW_DIRECTORY_ENVIRONMENT={self.environment}"
                )
        return self
