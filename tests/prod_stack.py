"""Start scripts/run-prod on free ports in a folder of its own (tests/test_prod.py and
benchmarks/load.py), and talk to it the way the web widget does.

The folder is under var/ rather than the system temp folder: PostgreSQL, Redis and the nginx
workers run as their own users, and pytest's temp folders are readable by their owner only.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import requests

from bot import PROJECT_ROOT

RUN_PROD = PROJECT_ROOT / "scripts" / "run-prod"
START_TIMEOUT_SECONDS = 900


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_port_range(count: int) -> int:
    """The first of ``count`` consecutive free ports (run-prod numbers replicas from a base)."""
    for _ in range(200):
        base = free_port()
        if base + count < 65000 and all(port_free(base + i) for i in range(count)):
            return base
    raise RuntimeError(f"no {count} consecutive free ports")


def cpu_seconds(roots: list[int]) -> float:
    """CPU time (user + system) used so far by these processes and all their descendants."""
    parents: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid], ticks[pid] = int(fields[1]), int(fields[11]) + int(fields[12])
    wanted, total = set(roots), 0
    for pid in ticks:
        ancestor = pid
        while ancestor not in wanted and ancestor > 1:
            ancestor = parents.get(ancestor, 0)
        if ancestor in wanted:
            total += ticks[pid]
    return total / os.sysconf("SC_CLK_TCK")


@dataclass
class Reply:
    """One answer of the assistant: its messages and the replica that produced them."""

    messages: list[dict]
    upstream: str
    seconds: float

    @property
    def text(self) -> str:
        return "\n".join(message.get("text", "") for message in self.messages)


@dataclass
class ProdStack:
    """A running scripts/run-prod."""

    state: Path
    public_port: int
    rasa_ports: list[int]
    actions_port: int
    action_ports: list[int]
    pg_port: int
    process: subprocess.Popen | None
    log: Path

    @classmethod
    def attach(cls, state: Path) -> ProdStack:
        """A run-prod that is already running with its data in ``state`` (not stopped by us)."""
        numbers = {
            name: [int(port) for port in value.strip('"').split()]
            for name, value in (
                line.split("=", 1) for line in (state / "run" / "ports").read_text().splitlines()
            )
        }
        return cls(
            state=state,
            public_port=numbers["PUBLIC_PORT"][0],
            rasa_ports=numbers["RASA_PORTS"],
            actions_port=numbers["ACTIONS_PORT"][0],
            action_ports=numbers["ACTION_PORTS"],
            pg_port=numbers["PG_PORT"][0],
            process=None,
            log=state / "run-prod.out",
        )

    def cpu_seconds(self) -> float:
        """CPU time used so far by every process of the stack (PostgreSQL included)."""
        pids = [int(path.read_text()) for path in (self.state / "run").glob("*.pid")]
        postmaster = self.state / "pg" / "data" / "postmaster.pid"
        pids.append(int(postmaster.read_text().split()[0]))
        return cpu_seconds(pids)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.public_port}"

    def say(self, sender: str, text: str, metadata: dict | None = None) -> Reply:
        body: dict = {"sender": sender, "message": text}
        if metadata is not None:
            body["metadata"] = metadata
        started = time.monotonic()
        response = requests.post(f"{self.url}/webhooks/rest/webhook", json=body, timeout=60)
        response.raise_for_status()
        return Reply(
            response.json(), response.headers.get("X-Upstream", ""), time.monotonic() - started
        )

    def pid(self, name: str) -> int:
        """The process id of ``rasa-<port>``, ``actions-<port>``, ``redis`` or ``nginx``."""
        return int((self.state / "run" / f"{name}.pid").read_text())

    def restart_postgres(self) -> None:
        """Restart the stack's PostgreSQL (fast shutdown: open connections are cut)."""
        bin_dir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
        # As root the cluster lives outside the state folder (scripts/run-prod): real paths.
        home = (self.state / "pg").resolve()
        data, log = home / "data", home / "postgresql.log"
        # -l: without it the server would keep this call's output pipe open.
        command = [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-m", "fast", "-w"]
        if os.geteuid() == 0:
            command = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", *command]
        subprocess.run(
            [*command, "restart"], check=True, stdout=subprocess.DEVNULL, timeout=120, cwd="/"
        )

    def wait_until_up(self, url: str, timeout: float = START_TIMEOUT_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"run-prod exited:\n{self.log.read_text()[-4000:]}")
            with suppress(requests.RequestException):
                if requests.get(url, timeout=2).ok:
                    return
            time.sleep(0.5)
        raise RuntimeError(f"{url} did not come up:\n{self.log.read_text()[-4000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def new_sender(prefix: str = "prod") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@contextmanager
def running_prod(
    *,
    replicas: int = 2,
    action_servers: int = 2,
    env: Mapping[str, str] | None = None,
    keep_state: bool = False,
) -> Iterator[ProdStack]:
    """scripts/run-prod with every port free and its data in var/prod-run-<id>/, removed after."""
    state = PROJECT_ROOT / "var" / f"prod-run-{uuid.uuid4().hex[:8]}"
    state.mkdir(parents=True)
    rasa_base, action_base = free_port_range(replicas), free_port_range(action_servers)
    ports = {
        "AJC_PORT": free_port(),
        "ACTIONS_PORT": free_port(),
        "AJC_PG_PORT": free_port(),
        "AJC_REDIS_PORT": free_port(),
    }
    run_env = {
        **os.environ,
        **{name: str(port) for name, port in ports.items()},
        "AJC_PROD_DIR": str(state),
        "AJC_REPLICAS": str(replicas),
        "AJC_ACTION_SERVERS": str(action_servers),
        "AJC_RASA_BASE_PORT": str(rasa_base),
        "AJC_ACTIONS_BASE_PORT": str(action_base),
        **(env or {}),
    }
    log = state / "run-prod.out"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(RUN_PROD)],
            cwd=PROJECT_ROOT,
            env=run_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    stack = ProdStack(
        state=state,
        public_port=ports["AJC_PORT"],
        rasa_ports=[rasa_base + i for i in range(replicas)],
        actions_port=ports["ACTIONS_PORT"],
        action_ports=[action_base + i for i in range(action_servers)],
        pg_port=ports["AJC_PG_PORT"],
        process=process,
        log=log,
    )
    try:
        stack.wait_until_up(f"{stack.url}/")
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not (state / "run" / "nginx.pid").exists():
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"run-prod did not finish starting:\n{log.read_text()[-4000:]}")
            time.sleep(0.5)
        yield stack
    finally:
        stack.stop()
        if not keep_state:
            for service in ("pg", "redis"):  # folders run-prod may keep outside, as root
                if (state / service).is_symlink():
                    shutil.rmtree((state / service).resolve().parent, ignore_errors=True)
            shutil.rmtree(state, ignore_errors=True)
