"""Message latency through the handoff with 50 simultaneous conversations (target p95 < 100 ms).

Starts its own Redis and gateway on free loopback ports (no Rasa: the handoffs are opened
directly in Redis, so only the human path is measured), connects 50 widget sockets and
5 staff consoles (10 conversations each), then sends user->staff and staff->user messages
in all conversations at once and prints median and p95 per direction.

Run: .venv/bin/python benchmarks/handoff_bench.py [--conversations 50] [--messages 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from redis.asyncio import Redis
from websockets.asyncio.client import ClientConnection, connect

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from gateway.conversations import ConversationStore  # noqa: E402
from gateway.handoff.account_store import open_account_store  # noqa: E402
from gateway.handoff.store import HandoffStore  # noqa: E402
from stack.supervisor import free_port  # noqa: E402

PASSWORD = "benchmark-password"
STAFF = 5


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


async def wait_http(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as http:
        while time.monotonic() < deadline:
            try:
                await http.get(url, timeout=2)
                return
            except httpx.HTTPError:
                await asyncio.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


async def seed(
    redis_url: str, staff_database_url: str, conversations: int
) -> tuple[list[str], list[str]]:
    """Conversations already waiting in the queue, and staff accounts."""
    redis = Redis.from_url(redis_url, decode_responses=True)
    store = HandoffStore(redis, 3600, 60)
    state = ConversationStore(Redis.from_url(redis_url), 3600)
    ids = [secrets.token_urlsafe(18) for _ in range(conversations)]
    for cid in ids:
        await state.save_language(cid, "nl")
        await store.open(cid, "nl", "general", False, True)
    names = [f"bench-{i}-{secrets.token_hex(2)}" for i in range(STAFF)]
    with open_account_store(staff_database_url) as accounts:
        for name in names:
            accounts.create(name, PASSWORD, datetime.now(UTC) + timedelta(days=1))
    await redis.aclose()
    return ids, names


async def recv_until(socket: ClientConnection, wanted: str, code: str | None = None) -> dict:
    while True:
        frame = json.loads(await socket.recv())
        if frame.get("type") == wanted and (code is None or frame.get("code") == code):
            return frame


def progress(text: str) -> None:
    print(f"... {text}", file=sys.stderr, flush=True)


async def run(conversations: int, messages: int, interval: float, gateway: str) -> None:
    redis_url = os.environ["BENCH_REDIS_URL"]
    ids, names = await seed(redis_url, os.environ["BENCH_STAFF_DATABASE_URL"], conversations)
    progress("seeded")
    ws = gateway.replace("http://", "ws://")
    users: dict[str, ClientConnection] = {}
    for cid in ids:
        socket = await connect(f"{ws}/ws/chat", max_size=2**20)
        await socket.send(json.dumps({"type": "start", "language": "nl", "conversation_id": cid}))
        await recv_until(socket, "ready")
        users[cid] = socket
    progress("users connected")
    staff: list[ClientConnection] = []
    owner: dict[str, ClientConnection] = {}
    async with httpx.AsyncClient() as http:
        for index, name in enumerate(names):
            login = await http.post(
                f"{gateway}/api/v1/staff/login", json={"username": name, "password": PASSWORD}
            )
            cookie = login.cookies["hw_staff_session"]
            socket = await connect(
                f"{ws}/ws/staff", additional_headers={"Cookie": f"hw_staff_session={cookie}"}
            )
            await socket.send(json.dumps({"type": "hello", "cursors": {}}))
            await recv_until(socket, "welcome")
            staff.append(socket)
            for cid in ids[index::STAFF]:
                await socket.send(json.dumps({"type": "claim", "conversation_id": cid}))
                owner[cid] = socket
    progress("claimed")
    for socket in users.values():
        await recv_until(socket, "status", "handoff_joined")
    progress("joined; measuring")

    sent_at: dict[str, float] = {}
    to_staff: list[float] = []
    to_user: list[float] = []
    expected = conversations * messages

    async def staff_reader(socket: ClientConnection, count: int) -> None:
        got = 0
        while got < count:
            frame = json.loads(await socket.recv())
            if frame.get("type") == "log" and frame.get("from") == "user":
                to_staff.append(time.perf_counter() - sent_at[frame["text"]])
                got += 1

    async def user_reader(socket: ClientConnection, count: int) -> None:
        got = 0
        while got < count:
            frame = json.loads(await socket.recv())
            if frame.get("type") == "staff":
                to_user.append(time.perf_counter() - sent_at[frame["text"]])
                got += 1

    async def user_writer(cid: str) -> None:
        await asyncio.sleep(random.uniform(0, interval))  # people do not type in lockstep
        for n in range(messages):
            text = f"u {cid} {n}"
            sent_at[text] = time.perf_counter()
            await users[cid].send(json.dumps({"type": "message", "text": text, "id": f"m{n}"}))
            await asyncio.sleep(interval)

    async def staff_writer(cid: str) -> None:
        await asyncio.sleep(random.uniform(0, interval))
        for n in range(messages):
            text = f"s {cid} {n}"
            sent_at[text] = time.perf_counter()
            frame = {"type": "message", "conversation_id": cid, "text": text, "id": f"s{n}"}
            await owner[cid].send(json.dumps(frame))
            await asyncio.sleep(interval)

    started = time.perf_counter()
    held = [sum(1 for cid in ids if owner[cid] is s) for s in staff]
    readers = [
        asyncio.create_task(staff_reader(s, n * messages)) for s, n in zip(staff, held, strict=True)
    ]
    readers += [asyncio.create_task(user_reader(users[cid], messages)) for cid in ids]
    writers = [user_writer(cid) for cid in ids] + [staff_writer(cid) for cid in ids]
    await asyncio.gather(*writers)
    done, pending = await asyncio.wait(readers, timeout=60)
    for task in pending:
        task.cancel()
    elapsed = time.perf_counter() - started
    for socket in [*users.values(), *staff]:
        await socket.close()
    print(
        f"{conversations} simultaneous handoffs, {messages} messages each way per conversation, "
        f"one every {interval * 1000:.0f} ms per conversation ({elapsed:.1f} s)"
    )
    for label, values in (("user -> staff", to_staff), ("staff -> user", to_user)):
        ms = [v * 1000 for v in values]
        print(
            f"{label}: n={len(ms)}/{expected} median {statistics.median(ms):.1f} ms, "
            f"p95 {percentile(ms, 0.95):.1f} ms, max {max(ms):.1f} ms"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--interval-ms", type=float, default=200)
    args = parser.parse_args()
    redis_port, gateway_port = free_port(), free_port()
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    gateway = f"http://127.0.0.1:{gateway_port}"
    with tempfile.TemporaryDirectory() as tmp:
        redis = subprocess.Popen(
            ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", tmp],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        staff_database_url = f"sqlite:///{tmp}/staff.sqlite3"
        env = dict(os.environ)
        env.update(
            {
                "PYTHONPATH": str(REPO),
                "HF_HUB_OFFLINE": "1",
                "HW_GATEWAY_REDIS_URL": redis_url,
                "HW_GATEWAY_STAFF_DATABASE_URL": staff_database_url,
                "HW_GATEWAY_RASA_URL": "http://127.0.0.1:9",  # not needed: no bot turns
            }
        )
        gateway_process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "gateway.main:create_app",
             "--host", "127.0.0.1", "--port", str(gateway_port),
             "--no-access-log", "--log-level", "error"],
            cwd=REPO, env=env,
        )  # fmt: skip
        try:
            asyncio.run(wait_http(f"{gateway}/healthz"))
            progress("gateway up")
            os.environ["BENCH_REDIS_URL"] = redis_url
            os.environ["BENCH_STAFF_DATABASE_URL"] = staff_database_url
            asyncio.run(run(args.conversations, args.messages, args.interval_ms / 1000, gateway))
        finally:
            gateway_process.terminate()
            try:
                gateway_process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                gateway_process.kill()
                gateway_process.wait()
            redis.terminate()
            redis.wait(timeout=15)
    print("command: .venv/bin/python benchmarks/handoff_bench.py " + " ".join(sys.argv[1:]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
