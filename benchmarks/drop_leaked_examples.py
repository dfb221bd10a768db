"""Drop newly appended training examples that a live held-out split already has.

Writers of a data round never see the held-out splits, yet a short or common sentence can
still coincide with one word for word; trained on, it would make that split measure memory
instead of understanding. Run after a data round, before committing: each
bot/data/nlu/<lang>.yml is compared with its version at `--base` (default HEAD), and among
the lines appended since, example lines whose text (case and spacing ignored) is in a split
still measuring (tests/bot/nlu_heldout*) or already in the file are deleted. Only appended
lines are touched: a file changed above its old end is refused, unchanged. Prints counts
only, never text (docs/nlu.md, "Retiring used splits into training").

  .venv/bin/python benchmarks/drop_leaked_examples.py [--base REV]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.nlu_eval import load_heldout  # noqa: E402
from benchmarks.retire_split import TRAINING_DIR, key, live_split_dirs  # noqa: E402

# An example inside an `examples: |` block; `- intent:` items sit at two spaces.
EXAMPLE_LINE = re.compile(r"^\s{4,}- (?P<text>.+)$")


class NotAppendOnly(ValueError):
    """The file changed above its old end; only appended lines may be cleaned."""


def clean_appended(old: list[str], new: list[str], live: set[str]) -> tuple[list[str], int]:
    """`new` without the appended example lines that are in `live` or earlier in the file,
    and how many were dropped. `live` holds `key()`s."""
    if new[: len(old)] != old:
        raise NotAppendOnly
    seen = {key(m["text"]) for line in old if (m := EXAMPLE_LINE.match(line))}
    kept, dropped = list(old), 0
    for line in new[len(old) :]:
        match = EXAMPLE_LINE.match(line)
        if match:
            text = key(match["text"])
            if text in live or text in seen:
                dropped += 1
                continue
            seen.add(text)
        kept.append(line)
    return kept, dropped


def at_revision(path: Path, base: str, repo: Path = REPO) -> list[str]:
    """The file's lines at `base`; none if it did not exist there."""
    shown = subprocess.run(
        ["git", "show", f"{base}:{path.relative_to(repo).as_posix()}"],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    return shown.stdout.splitlines() if shown.returncode == 0 else []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="HEAD", help="git revision before the data round")
    args = parser.parse_args()
    # A mistyped revision would make every line look appended.
    known = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{args.base}^{{commit}}"],
        cwd=REPO,
        capture_output=True,
    )
    if known.returncode != 0:
        raise SystemExit(f"not a git revision: {args.base}")
    live = {key(e.text) for d in live_split_dirs() for e in load_heldout(d)}
    refused = []
    for path in sorted(TRAINING_DIR.glob("*.yml")):
        new = path.read_text(encoding="utf-8").splitlines()
        try:
            kept, dropped = clean_appended(at_revision(path, args.base), new, live)
        except NotAppendOnly:
            refused.append(path.name)
            continue
        if dropped:
            path.write_text("\n".join(kept) + "\n", encoding="utf-8")
        print(f"{path.name}: {dropped} appended example lines dropped")
    if refused:
        print(f"changed above the old end, left as they are: {', '.join(refused)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
