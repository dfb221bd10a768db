"""A throwaway PostgreSQL cluster on a free port, for the directory's PostgreSQL tests.

`python -m stack.postgres COMMAND...` starts one, runs COMMAND with HW_TEST_POSTGRES_URL
set, and removes the cluster afterwards. PostgreSQL refuses to run as root, so as root
the server runs as the `postgres` system user (Debian's package creates it).
"""

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from stack.supervisor import free_port


def postgres_bin() -> Path:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not candidates:
        raise SystemExit("PostgreSQL is not installed (apt-get install postgresql)")
    return candidates[-1].parent


def as_server_user(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


@contextmanager
def temporary_postgres() -> Iterator[str]:
    """Yield a SQLAlchemy URL of a fresh cluster; fsync off, since it is thrown away."""
    binaries = postgres_bin()
    folder = Path(tempfile.mkdtemp(prefix="hw-postgres-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data = folder / "data"
    port = free_port()
    initdb = [str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]
    subprocess.run(as_server_user(initdb), check=True, stdout=subprocess.DEVNULL)
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    pg_ctl = [str(binaries / "pg_ctl"), "-D", str(data)]
    subprocess.run(
        as_server_user([*pg_ctl, "-o", options, "-l", str(folder / "log"), "-w", "start"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(as_server_user([*pg_ctl, "-m", "fast", "-w", "stop"]), check=False)
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m stack.postgres COMMAND [ARGS...]", file=sys.stderr)
        return 2
    with temporary_postgres() as url:
        return subprocess.run(argv, env=dict(os.environ, HW_TEST_POSTGRES_URL=url)).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
