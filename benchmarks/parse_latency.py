"""Parse latency of Rasa's /model/parse (median, p95) on the held-out messages.

.venv/bin/python benchmarks/parse_latency.py --rasa-url http://127.0.0.1:5005 --token T
# e.g. against a running `make run` stack: URL and token from var/run.json
.venv/bin/python benchmarks/parse_latency.py --run-json var/run.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nlu_eval import load_heldout  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rasa-url")
    parser.add_argument("--token")
    parser.add_argument("--run-json", type=Path, help="take rasa_url and rasa_token from here")
    parser.add_argument("--limit", type=int, default=300, help="messages to send")
    args = parser.parse_args()
    if args.run_json:
        run = json.loads(args.run_json.read_text())
        args.rasa_url, args.token = run["rasa_url"], run["rasa_token"]
    if not args.rasa_url:
        parser.error("give --rasa-url or --run-json")
    url = f"{args.rasa_url.rstrip('/')}/model/parse?token={args.token}"
    texts = [e.text for e in load_heldout()][: args.limit]
    latencies = []
    for text in texts:
        request = urllib.request.Request(
            url,
            data=json.dumps({"text": text}).encode(),
            headers={"Content-Type": "application/json"},
        )
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    median = statistics.median(latencies)
    print(f"parse latency, {len(latencies)} messages: median {median:.0f} ms, p95 {p95:.0f} ms")
    print("command:", " ".join(["python", *sys.argv]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
