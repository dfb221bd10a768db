"""Turn latency under load: simulated chats through the gateway, and Rasa alone.

Each simulated chat opens the widget's websocket and sends one message every `--interval`
seconds for `--duration` seconds (default: 50 chats, every 5 s, 2 minutes: about 10
messages a second). Turn latency is the time from sending a message to the first bot
frame. Then the same load goes straight to Rasa's REST webhook, for comparison. Each chat
keeps to one language, chosen at random (`--mixed-languages`: a random one per message).

    make run            # in another terminal; writes var/run.json
    .venv/bin/python benchmarks/chat_load.py [--chats 50 --interval 5 --duration 120]
                                             [--mixed-languages]

Only loopback addresses are used (the stack's own URLs from var/run.json).
"""

import argparse
import asyncio
import json
import random
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from websockets.asyncio.client import connect

RUN_JSON = Path(__file__).resolve().parent.parent / "var" / "run.json"
# Per language, what people ask most; each simulated chat keeps to one language, as people
# do (--mixed-languages: every message in a random language, which makes the gateway write
# Rasa's language slot on most turns).
MESSAGES = {
    "nl": [
        "hallo",
        "mijn vriend slaat me soms, is dat mishandeling?",
        "3511 AB",
        "wat doet Veilig Thuis als ik bel?",
    ],
    "en": ["how does a restraining order work", "can I stay anonymous if I call?", "3511 AB"],
    "ar": ["أين أجد ملجأ للنساء", "هل يمكنني أن أبقى مجهولة؟", "مرحبا"],
    "tr": ["kocam bana bağırıyor ve paramı alıyor", "merhaba", "polise nasıl şikayet ederim"],
    "pl": ["gdzie mogę zgłosić przemoc domową", "dzień dobry", "czy mogę zostać anonimowa?"],
    "uk": ["я хочу поговорити з людиною", "привіт", "де знайти притулок для жінок"],
}


def message_picker(mixed: bool) -> Callable[[], tuple[str, str]]:
    """One chat's next (language, text)."""
    if mixed:
        pairs = [(language, text) for language, texts in MESSAGES.items() for text in texts]
        return lambda: random.choice(pairs)
    language = random.choice(list(MESSAGES))
    return lambda: (language, random.choice(MESSAGES[language]))


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


async def chat_through_gateway(
    url: str, interval: float, duration: float, mixed: bool, out: Results
) -> None:
    await asyncio.sleep(random.uniform(0, interval))  # spread the chats over the interval
    end = time.monotonic() + duration
    pick = message_picker(mixed)
    try:
        async with connect(url, open_timeout=30) as socket:
            await socket.send(json.dumps({"type": "start", "language": pick()[0]}))
            json.loads(await socket.recv())
            while time.monotonic() < end:
                _, text = pick()
                started = time.perf_counter()
                await socket.send(json.dumps({"type": "message", "text": text, "id": "b"}))
                while True:
                    frame = json.loads(await asyncio.wait_for(socket.recv(), timeout=30))
                    if frame["type"] == "bot":
                        out.latencies.append(time.perf_counter() - started)
                        break
                    if frame["type"] == "error":
                        out.error(frame["code"])
                        break
                await drain(socket)
                await asyncio.sleep(max(0.0, interval - (time.perf_counter() - started)))
    except (OSError, TimeoutError) as error:
        out.error(type(error).__name__)


async def drain(socket: object) -> None:
    """Read the rest of a turn's frames (a reply can be several messages)."""
    while True:
        try:
            await asyncio.wait_for(socket.recv(), timeout=0.2)  # type: ignore[attr-defined]
        except TimeoutError:
            return


async def chat_with_rasa(
    http: httpx.AsyncClient,
    webhook: str,
    interval: float,
    duration: float,
    mixed: bool,
    out: Results,
) -> None:
    await asyncio.sleep(random.uniform(0, interval))
    sender = secrets.token_urlsafe(12)
    end = time.monotonic() + duration
    pick = message_picker(mixed)
    while time.monotonic() < end:
        language, text = pick()
        started = time.perf_counter()
        try:
            response = await http.post(
                webhook,
                json={"sender": sender, "message": text, "metadata": {"language": language}},
            )
            response.raise_for_status()
            out.latencies.append(time.perf_counter() - started)
        except httpx.HTTPError as error:
            out.error(type(error).__name__)
        await asyncio.sleep(max(0.0, interval - (time.perf_counter() - started)))


def report(name: str, results: Results, seconds: float) -> None:
    values = sorted(results.latencies)
    if not values:
        print(f"{name}: no successful turns; errors {results.errors}")
        return
    p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
    print(
        f"{name}: {len(values)} turns in {seconds:.0f} s ({len(values) / seconds:.1f}/s), "
        f"median {statistics.median(values) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"max {values[-1] * 1000:.0f} ms, errors {sum(results.errors.values())} {results.errors}"
    )


async def main(args: argparse.Namespace) -> None:
    stack = json.loads(Path(args.run_json).read_text())
    ws_url = stack["gateway_url"].replace("http://", "ws://") + "/ws/chat"
    gateway = Results()
    started = time.monotonic()
    await asyncio.gather(
        *(
            chat_through_gateway(
                ws_url, args.interval, args.duration, args.mixed_languages, gateway
            )
            for _ in range(args.chats)
        )
    )
    report("gateway (widget websocket -> Rasa)", gateway, time.monotonic() - started)

    rasa = Results()
    webhook = f"{stack['rasa_url']}/webhooks/rest/webhook"
    started = time.monotonic()
    async with httpx.AsyncClient(
        timeout=30, limits=httpx.Limits(max_connections=args.chats)
    ) as http:
        await asyncio.gather(
            *(
                chat_with_rasa(
                    http, webhook, args.interval, args.duration, args.mixed_languages, rasa
                )
                for _ in range(args.chats)
            )
        )
    report("rasa alone (REST webhook)", rasa, time.monotonic() - started)
    print("command:", " ".join(sys.argv))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=50)
    parser.add_argument("--interval", type=float, default=5.0)
    parser.add_argument("--duration", type=float, default=120.0)
    parser.add_argument("--run-json", default=str(RUN_JSON))
    parser.add_argument(
        "--mixed-languages", action="store_true", help="every message in a random language"
    )
    asyncio.run(main(parser.parse_args()))
