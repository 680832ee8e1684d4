"""The faults of a run (seeded) and the driver that injects them while the stream flows."""

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass

from tests.chaos.conftest import ChaosStack
from tests.stack_env import SERVICES

POSTGRES_DOWN = 4.0  # seconds without PostgreSQL: in-flight work fails, new work waits


@dataclass(frozen=True, order=True)
class Fault:
    """At `at` seconds into the run: SIGKILL a service, or restart the broker or PostgreSQL."""

    at: float
    kind: str  # "kill ingest", "kill clauses", "kill indicators", "restart broker", ...


def schedule(rng: random.Random, window: float, kills_each: int) -> list[Fault]:
    """Kills at uniform moments; the broker restarted near the middle, PostgreSQL later."""
    faults = [
        Fault(rng.uniform(2, window), f"kill {name}")
        for name in SERVICES
        for _ in range(kills_each)
    ]
    faults.append(Fault(rng.uniform(0.3, 0.45) * window, "restart broker"))
    faults.append(Fault(rng.uniform(0.55, 0.7) * window, "restart postgres"))
    return sorted(faults)


async def inject(stack: ChaosStack, faults: list[Fault]) -> Counter[str]:
    """Inject each fault at its moment (later when the previous one took longer)."""
    started, done = time.monotonic(), Counter[str]()
    for fault in faults:
        await asyncio.sleep(max(0.0, started + fault.at - time.monotonic()))
        if fault.kind == "restart broker":
            await asyncio.to_thread(stack.restart_broker)
        elif fault.kind == "restart postgres":
            await asyncio.to_thread(stack.postgres.restart, POSTGRES_DOWN)
        else:
            stack.supervisor.kill_and_restart(fault.kind.removeprefix("kill "))
        done[fault.kind] += 1
    return done


async def supervise(stack: ChaosStack, stop: asyncio.Event) -> None:
    """Restart whatever exits by itself, until told to stop."""
    while not stop.is_set():
        stack.supervisor.revive()
        await asyncio.sleep(0.3)
