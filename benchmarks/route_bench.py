"""Postcode routing speed: in-process and over HTTP (one uvicorn worker, loopback).

Run from the repository root:
    .venv/bin/python benchmarks/route_bench.py [--requests 20000] [--concurrency 32]
Prints median and p95 latency and requests per second, with the command.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shlex
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services_directory.main import startup  # noqa: E402
from services_directory.routing import route  # noqa: E402
from services_directory.settings import Settings  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]


def _postcodes(pc4s: list[str], count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    forms = ["{p}", "{p} AB", "{p}ab", " {p}-XY "]
    return [rng.choice(forms).format(p=rng.choice(pc4s)) for _ in range(count)]


def _summary(name: str, samples_s: list[float], wall_s: float, count: int) -> str:
    ordered = sorted(samples_s)
    median = statistics.median(ordered) * 1000
    p95 = ordered[int(len(ordered) * 0.95) - 1] * 1000
    return f"{name}: n={count} median={median:.4f} ms p95={p95:.4f} ms rate={count / wall_s:,.0f}/s"


def bench_in_process(database_url: str, count: int) -> list[str]:
    directory = startup(Settings(database_url=database_url))
    pc4s = sorted(directory.geo.areas)
    lines = []
    # cold: the first lookup of each PC4 computes its service list (distances, order)
    samples = []
    start = time.perf_counter()
    for pc4 in pc4s:
        t0 = time.perf_counter()
        route(directory.geo, directory.index, pc4)
        samples.append(time.perf_counter() - t0)
    lines.append(
        _summary(
            "in-process, first lookup per PC4", samples, time.perf_counter() - start, len(pc4s)
        )
    )
    queries = _postcodes(pc4s, count)
    samples = []
    start = time.perf_counter()
    for query in queries:
        t0 = time.perf_counter()
        route(directory.geo, directory.index, query)
        samples.append(time.perf_counter() - t0)
    lines.append(
        _summary("in-process, warm (parse + lookup)", samples, time.perf_counter() - start, count)
    )
    directory.engine.dispose()
    return lines


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _http_load(port: int, queries: list[str], concurrency: int) -> tuple[list[float], float]:
    """Keep-alive HTTP/1.1 over raw asyncio streams: a client light enough that the
    figure is the server's, not the load generator's."""
    samples: list[float] = []
    queue = list(reversed(queries))

    async def one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, query: str) -> int:
        path = "/api/v1/route?postcode=" + quote(query)
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        await reader.readexactly(length)
        return status

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for query in queries[:20]:  # warm-up, not measured
                await one(reader, writer, query)
            while queue:
                query = queue.pop()
                t0 = time.perf_counter()
                status = await one(reader, writer, query)
                samples.append(time.perf_counter() - t0)
                if status != 200:
                    raise RuntimeError(f"{query}: HTTP {status}")
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return samples, time.perf_counter() - start


def bench_http(database_url: str, count: int, concurrency: int) -> list[str]:
    port = _free_port()
    env = {**os.environ, "HW_DIRECTORY_DATABASE_URL": database_url}
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "uvicorn"), "--factory",
         "services_directory.main:create_app", "--host", "127.0.0.1", "--port", str(port),
         "--workers", "1", "--no-access-log", "--log-level", "warning"],
        cwd=REPO_ROOT, env=env,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        directory = startup(Settings(database_url=database_url))
        queries = _postcodes(sorted(directory.geo.areas), count)
        directory.engine.dispose()
        samples, wall = asyncio.run(_http_load(port, queries, concurrency))
        return [
            _summary(
                f"HTTP, 1 uvicorn worker, {concurrency} concurrent clients", samples, wall, count
            )
        ]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database_url = f"sqlite:///{folder}/bench.sqlite3"
        print("command:", shlex.join([".venv/bin/python", *sys.argv]))
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"machine: {os.cpu_count()} cores, load average {load}; client and server share them")
        for line in bench_in_process(database_url, args.requests):
            print(line)
        for line in bench_http(database_url, args.requests, args.concurrency):
            print(line)


if __name__ == "__main__":
    main()
