"""Services as processes (`python -m services.<name>`), and a supervisor that SIGKILLs them.

The supervisor is like systemd with `Restart=always`: a service that exits by itself is
started again and the exit is recorded (the chaos test reports them by exit code).
Used by the chaos tier, the clauses crash test and the e2e stacks (`serving`).
"""

import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from harness.processes import REPO, stop
from tests.servers import wait_until_up


@dataclass
class Service:
    """`python -m services.<name>`, its environment and the log every run appends to."""

    name: str
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start a new process."""
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", f"services.{self.name}"],
                cwd=REPO,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        """SIGKILL, and wait until it is gone."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def shut_down_cleanly(self) -> bool:
        """SIGTERM; True when it shut down cleanly (uvicorn then re-raises SIGTERM)."""
        assert self.process is not None
        self.process.terminate()
        code = self.process.wait(timeout=60)
        return code in (0, -signal.SIGTERM) and "shutdown complete" in self.log.read_text()

    def exited(self) -> int | None:
        """The exit code when the process ended by itself, else None."""
        return None if self.process is None else self.process.poll()


@dataclass
class Supervisor:
    """Keeps every service running; counts the kills it did and the exits it saw."""

    services: dict[str, Service]
    kills: Counter[str] = field(default_factory=Counter)
    exits: Counter[tuple[str, int]] = field(default_factory=Counter)

    def start(self) -> None:
        """Start every service."""
        for service in self.services.values():
            service.start()

    def kill_and_restart(self, name: str) -> None:
        """SIGKILL a service and start it again at once."""
        self.kills[name] += 1
        self.services[name].kill()
        self.services[name].start()

    def revive(self) -> None:
        """Start again every service that exited by itself."""
        for name, service in self.services.items():
            code = service.exited()
            if code is not None:
                self.exits[(name, code)] += 1
                service.start()

    def stop(self) -> None:
        """SIGTERM every service (SIGKILL if it lingers)."""
        for service in self.services.values():
            if service.process is not None and service.process.poll() is None:
                stop(service.process)


@contextmanager
def serving(
    envs: Mapping[str, dict[str, str]], urls: Mapping[str, str], logs: Path
) -> Iterator[dict[str, Service]]:
    """Each named service started with its environment (log in logs/<name>.log), answering
    GET <url>/health within 90 s, and stopped when the block ends."""
    services = {name: Service(name, env, logs / f"{name}.log") for name, env in envs.items()}
    try:
        for service in services.values():
            service.start()
        for name, service in services.items():
            assert service.process is not None
            wait_until_up(f"{urls[name]}/health", service.process, service.log, within=90)
        yield services
    finally:
        for service in services.values():
            if service.process is not None:
                stop(service.process)
