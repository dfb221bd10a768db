"""`make run`: the whole stack on fixed local ports until Ctrl-C."""

import fcntl
import json
import os
import signal
import sys
import time
from dataclasses import asdict
from types import FrameType

import httpx

from stack.e5_model import build_e5_model
from stack.processes import process_specs, stack_urls
from stack.settings import StackSettings
from stack.supervisor import StartupFailed, Supervisor, port_is_busy
from stack.training import ensure_model


def main() -> int:
    settings = StackSettings()
    var_dir = settings.var_dir
    var_dir.mkdir(parents=True, exist_ok=True)
    lock_file = open(var_dir / "run.lock", "w")  # noqa: SIM115 - held for the whole run
    try:
        fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        running = var_dir / "run.json"
        where = json.loads(running.read_text())["gateway_url"] if running.exists() else "?"
        print(f"Hulpwijzer is already running ({where}); stop it with Ctrl-C in its terminal.")
        return 0
    ports = {
        "redis": settings.redis_port,
        "rasa": settings.rasa_port,
        "actions": settings.actions_port,
        "directory": settings.directory_port,
        "gateway": settings.gateway_port,
    }
    busy = [f"{name} ({port})" for name, port in ports.items() if port_is_busy(settings.host, port)]
    if busy:
        print(f"Ports in use by another program: {', '.join(busy)}.")
        print("Free them, or choose others with HW_REDIS_PORT, HW_RASA_PORT, ... (README).")
        return 1

    log_dir = var_dir / "logs"
    model = ensure_model(settings.bot_python, log_dir / "train.log")
    build_e5_model()
    supervisor = Supervisor(log_dir)

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        print("Starting Redis, directory, actions, Rasa (20-50 s) and gateway ...")
        supervisor.start_all(process_specs(settings, model))
        urls = stack_urls(settings)
        run_json = var_dir / "run.json"
        run_json.write_text(json.dumps(asdict(urls), indent=2))
        os.chmod(run_json, 0o600)
        checks = httpx.get(f"{urls.gateway_url}/healthz", timeout=10).json()["checks"]
        checks["gateway"] = "ok"
        for name in ports:
            print(f"  {name:<10} {checks[name]:<6} log: {supervisor.log_path(name)}")
        print(f"\nHulpwijzer is running: open {urls.gateway_url}")
        print(f"Directory API: {urls.directory_url}/docs   Stack details: {run_json}")
        print("Press Ctrl-C to stop every process.")
        while not supervisor.exited():
            time.sleep(1)
        print(f"Stopped because {', '.join(supervisor.exited())} exited; see var/logs/.")
        return 1
    except StartupFailed as error:
        print(f"Start-up failed: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping ...")
        return 0
    finally:
        supervisor.stop_all()
        (var_dir / "run.json").unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
