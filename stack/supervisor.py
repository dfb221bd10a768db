"""Starts processes with logs under var/, waits for health, stops them all."""

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path

import httpx
import redis

from stack.processes import ProcessSpec


class StartupFailed(RuntimeError):
    """A process exited or did not become ready; the message names it and its log."""


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def port_is_busy(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def tail(path: Path, lines: int = 25) -> str:
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


class Supervisor:
    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.specs: dict[str, ProcessSpec] = {}
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def log_path(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    def start(self, spec: ProcessSpec) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.specs[spec.name] = spec
        with open(self.log_path(spec.name), "ab") as log:
            # Own process group: Ctrl-C reaches the supervisor, which stops children in order.
            self.processes[spec.name] = subprocess.Popen(
                spec.argv,
                cwd=spec.cwd,
                env=spec.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def is_ready(self, spec: ProcessSpec) -> bool:
        if spec.health_url is None:
            port = int(spec.argv[spec.argv.index("--port") + 1])
            try:
                return bool(redis.Redis(port=port, socket_timeout=1).ping())
            except redis.RedisError:
                return False
        try:
            return httpx.get(spec.health_url, timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def wait_ready(self, names: Iterable[str]) -> None:
        now = time.monotonic()
        pending = {name: now + self.specs[name].ready_timeout_seconds for name in names}
        while pending:
            for name, deadline in list(pending.items()):
                process = self.processes[name]
                if process.poll() is not None:
                    raise StartupFailed(
                        f"{name} exited with code {process.returncode}; "
                        f"log {self.log_path(name)}:\n{tail(self.log_path(name))}"
                    )
                if self.is_ready(self.specs[name]):
                    del pending[name]
                elif time.monotonic() > deadline:
                    raise StartupFailed(
                        f"{name} not ready in time; log {self.log_path(name)}:\n"
                        f"{tail(self.log_path(name))}"
                    )
            time.sleep(0.3)

    def start_all(self, specs: list[ProcessSpec]) -> None:
        """Start in dependency waves; each wave starts together and is waited for."""
        started: set[str] = set()
        remaining = list(specs)
        while remaining:
            wave = [s for s in remaining if set(s.depends_on) <= started]
            if not wave:
                raise StartupFailed(f"dependency cycle among {[s.name for s in remaining]}")
            for spec in wave:
                self.start(spec)
            self.wait_ready(spec.name for spec in wave)
            started.update(spec.name for spec in wave)
            remaining = [s for s in remaining if s.name not in started]

    def stop(self, name: str, timeout: float = 15.0) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def kill(self, name: str) -> None:
        """Kill without warning, as a crash would."""
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def restart(self, name: str) -> None:
        self.stop(name)
        self.start(self.specs[name])
        self.wait_ready([name])

    def stop_all(self) -> None:
        for name in reversed(list(self.processes)):
            self.stop(name)

    def exited(self) -> list[str]:
        return [name for name, p in self.processes.items() if p.poll() is not None]
