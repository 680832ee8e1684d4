"""A PostgreSQL server of the test's own (initdb in a temporary directory), to restart at will.

Run as the `postgres` system user when we are root (PostgreSQL refuses to run as root),
on a free port, its socket in its own directory, with fsync off (the test kills the server,
never the machine). `restart()` is an immediate shutdown (no checkpoint: crash recovery at
the next start), as a crashed server would be.
"""

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from harness.ports import stable_port
from tests.servers import unavailable


def server_binaries() -> Path:
    """POSTGRES_BIN, else the newest /usr/lib/postgresql/<major>/bin (Debian's layout)."""
    if configured := os.environ.get("POSTGRES_BIN"):
        return Path(configured)
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else Path("/usr/lib/postgresql/15/bin")


BIN = server_binaries()
USER = "insertion"


@dataclass(frozen=True)
class OwnPostgres:
    """A server in `data`, listening on 127.0.0.1:`port`."""

    data: Path
    port: int

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of its `postgres` database (trust authentication, local only)."""
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/postgres"

    def pg_ctl(self, *args: str) -> None:
        """Run pg_ctl on this server (as the postgres user when we are root)."""
        options = f"-p {self.port} -k {self.data.parent} -c listen_addresses=127.0.0.1 -c fsync=off"
        command = [str(BIN / "pg_ctl"), "-D", str(self.data), "-o", options, *args]
        done = subprocess.run(as_owner(command), capture_output=True, text=True, check=False)
        if done.returncode != 0:
            log = (self.data.parent / "server.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"pg_ctl {args} failed: {done.stdout}{done.stderr}\n{log}")

    def start(self) -> None:
        """Start and wait until it accepts connections."""
        self.pg_ctl("-l", str(self.data.parent / "server.log"), "-w", "-t", "60", "start")

    def stop(self) -> None:
        """Immediate shutdown: no checkpoint, every connection cut."""
        self.pg_ctl("-m", "immediate", "-w", "stop")

    def restart(self, down_for: float) -> None:
        """Down (immediately), `down_for` seconds without a server, up again on the same data."""
        self.stop()
        time.sleep(down_for)
        self.start()


def as_owner(command: list[str]) -> list[str]:
    """The command run as the postgres user when we are root."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def own_postgres() -> Iterator[OwnPostgres]:
    """A fresh server for the block, deleted afterwards."""
    if not (BIN / "initdb").exists():
        unavailable("PostgreSQL", f"no initdb in {BIN} (set POSTGRES_BIN)")
    root = Path(tempfile.mkdtemp(prefix="chaos-pg-"))
    server = OwnPostgres(root / "data", stable_port())
    try:
        if os.geteuid() == 0:
            shutil.chown(root, "postgres", "postgres")
        initdb = [str(BIN / "initdb"), "-D", str(server.data), "-U", USER, "--auth=trust"]
        done = subprocess.run(as_owner([*initdb, "-E", "UTF8"]), capture_output=True, check=False)
        if done.returncode != 0:
            unavailable("PostgreSQL", f"initdb failed: {done.stdout!r} {done.stderr!r}")
        server.start()
        yield server
    finally:
        if (server.data / "postmaster.pid").exists():
            server.stop()
        shutil.rmtree(root, ignore_errors=True)
