"""Settings of the action server process (prefix HW_ACTIONS_)."""

from functools import lru_cache

from pydantic import HttpUrl
from pydantic_settings import BaseSettings, SettingsConfigDict


class ActionsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HW_ACTIONS_")

    directory_url: HttpUrl = HttpUrl("http://127.0.0.1:8001")
    directory_timeout_seconds: float = 3.0


@lru_cache(maxsize=1)
def get_settings() -> ActionsSettings:
    """Read once per process, on first use (not at import)."""
    return ActionsSettings()
