"""Ports on 127.0.0.1 for the servers that tests, benchmarks and the production stack start."""

from __future__ import annotations

import socket


def port_free(port: int) -> bool:
    """Whether a server could listen on ``port`` now.

    As the servers do, with SO_REUSEADDR: connections of an earlier run in TIME_WAIT do not make
    a port busy.
    """
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_port() -> int:
    """A port that the system says is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def first_free_port(start: int) -> int:
    """The first free port from ``start`` on (PostgreSQL from 5432, Redis from 6379)."""
    port = start
    while not port_free(port):
        port += 1
    return port


def free_port_range(count: int) -> int:
    """The first of ``count`` consecutive free ports (the stack numbers replicas from a base)."""
    for _ in range(200):
        base = free_port()
        if base + count < 65000 and all(port_free(base + i) for i in range(count)):
            return base
    raise RuntimeError(f"no {count} consecutive free ports")
