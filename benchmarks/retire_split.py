"""Retire used-up held-out splits into the training data.

A held-out split measures honestly only until someone reads its errors or lets it decide a
change. After that it is spent as a measurement, but its sentences, written by people who
never saw the training data, still teach the classifier wording the training data lacks.
This appends them to bot/data/nlu/retired_splits/<lang>.yml, one section per split, and
leaves out sentences the training data already has, sentences a split still measuring has,
and sentences two splits label differently (an example may teach only one intent). Delete
the split's folder afterwards; a fresh split then does the measuring (docs/nlu.md,
"Retiring used splits into training").

  .venv/bin/python benchmarks/retire_split.py \
      tests/bot/nlu_heldout_blind tests/bot/nlu_heldout_blind2 ...
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.nlu_eval import Example, load_examples, load_heldout  # noqa: E402

TRAINING_DIR = REPO / "bot" / "data" / "nlu"
RETIRED_DIR = TRAINING_DIR / "retired_splits"
HELDOUT_ROOT = REPO / "tests" / "bot"
SECTION_MARK = "  # from "


def live_split_dirs() -> list[Path]:
    """The held-out split folders (development and blind) that have not been retired."""
    return sorted(HELDOUT_ROOT.glob("nlu_heldout*"))


def key(text: str) -> str:
    return " ".join(text.casefold().split())


def retire(
    splits: list[tuple[str, list[Example]]], training: list[Example], live: list[Example]
) -> dict[str, list[tuple[str, list[Example]]]]:
    """Per language, per split: the examples to add, in the split's own order.

    `live` is every split still measuring: a sentence it has must not become training.
    """
    known = {key(e.text) for e in training + live}
    labels: dict[str, set[str]] = defaultdict(set)
    for _, examples in splits:
        for example in examples:
            labels[key(example.text)].add(example.intent)
    taken: set[str] = set()
    retired: dict[str, list[tuple[str, list[Example]]]] = defaultdict(list)
    for name, examples in splits:
        by_language: dict[str, list[Example]] = defaultdict(list)
        for example in examples:
            text = key(example.text)
            if text in known or text in taken or len(labels[text]) > 1:
                continue
            taken.add(text)
            by_language[example.language].append(example)
        for language, kept in sorted(by_language.items()):
            retired[language].append((name, kept))
    return dict(retired)


def header(language: str) -> str:
    return (
        "\n".join(
            [
                'version: "3.1"',
                f"# Held-out test sentences ({language}) retired into training by",
                "# benchmarks/retire_split.py: each split below had been used for error",
                "# analysis or a decision, so it no longer measured anything. Review status:",
                "# as their split's (docs/translations.md). Not edited by hand; the script",
                "# appends each newly retired split.",
                "nlu:",
            ]
        )
        + "\n"
    )


def section(name: str, examples: list[Example]) -> str:
    by_intent: dict[str, list[str]] = defaultdict(list)
    for example in examples:
        by_intent[example.intent].append(example.text)
    lines = [f"{SECTION_MARK}{name}"]
    for intent, texts in by_intent.items():
        lines += [f"  - intent: {intent}", "    examples: |"]
        lines += [f"      - {text}" for text in texts]
    return "\n".join(lines) + "\n"


def already_retired(out: Path) -> set[str]:
    return {
        line.removeprefix(SECTION_MARK).strip()
        for path in out.glob("*.yml")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith(SECTION_MARK)
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("splits", nargs="+", type=Path, help="held-out split folders")
    parser.add_argument("--out", type=Path, default=RETIRED_DIR)
    args = parser.parse_args()
    missing = [str(s) for s in args.splits if not sorted(s.glob("*.yml"))]
    if missing:
        raise SystemExit(f"no <lang>.yml files in: {', '.join(missing)}")
    out = args.out.resolve()
    done = already_retired(out)
    # Appending, not rewriting: a retired split's folder is deleted afterwards, so earlier
    # sections cannot be made again; a split already in the files is left as it is.
    new = [s for s in args.splits if relative(s) not in done]
    for skipped in sorted(set(args.splits) - set(new)):
        print(f"already retired: {relative(skipped)}")
    # The default `out` lies inside the training data: each file is read once.
    files = set(TRAINING_DIR.rglob("*.yml")) | set(out.rglob("*.yml"))
    training = [e for p in sorted(files) for e in load_examples(p)]
    retiring = {s.resolve() for s in new}
    live = [e for d in live_split_dirs() if d.resolve() not in retiring for e in load_heldout(d)]
    splits = [(relative(s), load_heldout(s)) for s in new]
    retired = retire(splits, training, live)
    out.mkdir(parents=True, exist_ok=True)
    for language, sections in sorted(retired.items()):
        path = out / f"{language}.yml"
        text = path.read_text(encoding="utf-8") if path.exists() else header(language)
        text += "".join(section(name, examples) for name, examples in sections)
        path.write_text(text, encoding="utf-8")
        print(f"{language}: {sum(len(x) for _, x in sections)} examples", flush=True)
    offered = sum(len(examples) for _, examples in splits)
    kept = sum(len(x) for sections in retired.values() for _, x in sections)
    print(f"retired {kept} of {offered} held-out examples into {relative(out)}")


def relative(path: Path) -> str:
    resolved = path.resolve()
    return str(resolved.relative_to(REPO)) if REPO in resolved.parents else str(path)


if __name__ == "__main__":
    main()
