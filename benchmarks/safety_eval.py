"""The gateway's crisis safety net on a held-out split: alone, and together with the bot.

What the user sees first is 112 (danger) or 113 (suicide) when the bot answers with the
right intent *or* the safety net flags the message (the gateway then puts the number
first). This prints, per language, the safety net's recall on immediate_danger and
suicidal_thoughts messages, how often it fires on the other intents' messages, and, with
the bot's predictions from nlu_eval.py, the bot's recall and the combined recall. No
message text is printed.

    .venv-bot/bin/python benchmarks/nlu_eval.py --model bot/models/<model>.tar.gz \\
        --heldout tests/bot/nlu_heldout_blind20 --predictions /tmp/served.json 2>/dev/null
    .venv/bin/python benchmarks/safety_eval.py --heldout tests/bot/nlu_heldout_blind20 \\
        --predictions /tmp/served.json
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.nlu_eval import HELDOUT_DIR, load_heldout  # noqa: E402
from gateway.main import build_safety_net  # noqa: E402
from gateway.safety_net import Signal  # noqa: E402
from gateway.settings import GatewaySettings  # noqa: E402
from stack.e5_model import DEFAULT_TARGET  # noqa: E402

SIGNAL_OF_INTENT = {"immediate_danger": Signal.DANGER, "suicidal_thoughts": Signal.SUICIDE}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heldout", type=Path, default=HELDOUT_DIR)
    parser.add_argument("--predictions", type=Path, help="nlu_eval.py --predictions output")
    parser.add_argument("--embedding-model", default=str(DEFAULT_TARGET))
    args = parser.parse_args()

    # The gateway's own construction, with the model `make run` gives it.
    net = build_safety_net(GatewaySettings(embedding_model=args.embedding_model))
    examples = load_heldout(args.heldout)
    served: list[str | None] = [None] * len(examples)
    if args.predictions:
        rows = json.loads(args.predictions.read_text())
        if [(r["language"], r["intent"]) for r in rows] != [
            (e.language, e.intent) for e in examples
        ]:
            sys.exit("the predictions are for another held-out split")
        served = [r["served"] for r in rows]

    # language -> column -> [hits, total]
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for example, bot in zip(examples, served, strict=True):
        signal = net.assess(example.text).signal
        row = counts[example.language]
        expected = SIGNAL_OF_INTENT.get(example.intent)
        if expected is None:
            row["fires on other intents"][0] += signal is not None
            row["fires on other intents"][1] += 1
            continue
        name = expected.value
        row[f"net {name}"][0] += signal == expected
        row[f"net {name}"][1] += 1
        if bot is not None:
            row[f"bot {name}"][0] += bot == example.intent
            row[f"bot {name}"][1] += 1
            row[f"bot or net {name}"][0] += bot == example.intent or signal == expected
            row[f"bot or net {name}"][1] += 1

    columns = [f"{who} {s.value}" for s in Signal for who in ("net", "bot", "bot or net")]
    columns.append("fires on other intents")
    print(f"held-out split: {args.heldout}")
    print("lang  " + "  ".join(columns))
    for language, row in counts.items():
        cells = [
            f"{row[c][0]}/{row[c][1]} ({row[c][0] / row[c][1]:.2f})" if row[c][1] else "-"
            for c in columns
        ]
        print(f"{language:5} " + "  ".join(cells))
    print("\ncommand:", " ".join([Path(sys.executable).name, *sys.argv]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
