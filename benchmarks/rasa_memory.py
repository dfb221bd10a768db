"""Resident memory of the running Rasa server process (and its children).

  .venv/bin/python benchmarks/rasa_memory.py --port 5005
Finds the process listening on the port through /proc (Linux only) and prints its RSS.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":
                inodes.add(fields[9])
    return inodes


def pid_for_port(port: int) -> int:
    inodes = listening_inodes(port)
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            for fd in (proc / "fd").iterdir():
                target = str(fd.readlink())
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    return int(proc.name)
        except (PermissionError, FileNotFoundError):
            continue
    raise SystemExit(f"no process listens on port {port}")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def children(pid: int) -> list[int]:
    """Direct child processes (Sanic's workers, with HW_RASA_WORKERS > 1)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command name (field 2) may hold spaces; the parent pid follows its ")".
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return sorted(found)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    pid = pid_for_port(args.port)
    workers = children(pid)
    total = rss_kib(pid) + sum(rss_kib(w) for w in workers)
    print(f"rasa (pid {pid}) resident memory: {rss_kib(pid) / 1024:.0f} MiB")
    for worker in workers:
        print(f"  child (pid {worker}): {rss_kib(worker) / 1024:.0f} MiB")
    # Pages shared between the processes are counted once per process here.
    print(f"total resident memory, {1 + len(workers)} processes: {total / 1024:.0f} MiB")
    print("command:", " ".join(["python", *sys.argv]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
