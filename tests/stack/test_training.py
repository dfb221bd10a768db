from pathlib import Path

import pytest

from stack import training


@pytest.fixture
def bot_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bot = tmp_path / "bot"
    (bot / "data").mkdir(parents=True)
    (bot / "config.yml").write_text("pipeline: []\n")
    (bot / "data" / "nlu.yml").write_text("nlu: []\n")
    lock = tmp_path / "requirements" / "bot.lock"
    lock.parent.mkdir()
    lock.write_text("rasa==3.6.21\n")
    monkeypatch.setattr(training, "BOT_DIR", bot)
    monkeypatch.setattr(training, "REPO_ROOT", tmp_path)
    monkeypatch.setattr(training, "LOCK_FILE", lock)
    return bot


def test_keep_fingerprint_when_nothing_changed(bot_dir: Path) -> None:
    assert training.training_fingerprint() == training.training_fingerprint()


def test_change_fingerprint_when_training_data_changes(bot_dir: Path) -> None:
    before = training.training_fingerprint()
    (bot_dir / "data" / "nlu.yml").write_text("nlu: [x]\n")
    assert training.training_fingerprint() != before


def test_change_fingerprint_when_file_added(bot_dir: Path) -> None:
    before = training.training_fingerprint()
    (bot_dir / "data" / "more.yml").write_text("")
    assert training.training_fingerprint() != before


def test_skip_training_when_model_exists(bot_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(training, "MODELS_DIR", bot_dir / "models")
    existing = training.model_path(training.training_fingerprint())
    existing.parent.mkdir()
    existing.write_bytes(b"model")

    def fail(*args: object) -> None:
        raise AssertionError("trained although the model exists")

    monkeypatch.setattr(training, "train", fail)
    assert training.ensure_model(Path("/nonexistent/python")) == existing
