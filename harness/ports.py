"""Free TCP ports on 127.0.0.1 for the servers a test or a benchmark starts."""

import random
import socket
from pathlib import Path


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def stable_port(count: int = 1) -> int:
    """A port (the first of `count` consecutive ones) free now and outside the ephemeral range.

    free_port() hands out ephemeral ports, which the kernel also gives to outgoing
    connections and other tests' free_port(): a server restarted on the same port (the
    chaos tier) or a broker binding its controller port a moment later could find it
    taken. Below the ephemeral range nobody is given a port without asking for it.
    """
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    if low < 12_000:
        return free_port() if count == 1 else _free_run(count)
    rng = random.Random()
    for _ in range(200):
        first = rng.randrange(10_000, low - count)
        if all(port_free(first + k) for k in range(count)):
            return first
    raise RuntimeError(f"no {count} free consecutive ports below {low}")


def port_free(port: int) -> bool:
    """Whether a server could bind the port on 127.0.0.1 right now."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_run(count: int) -> int:
    for _ in range(50):
        first = free_port()
        if all(port_free(first + k) for k in range(1, count)):
            return first
    raise RuntimeError(f"no {count} consecutive free ports")


def free_port_pair() -> int:
    """A port whose next one is free too (Kafka's client and controller listeners)."""
    return stable_port(2)
