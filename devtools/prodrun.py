"""Start the production stack (devtools/prodstack.py) on free ports in a folder of its own, for
tests/test_prod.py and benchmarks/load.py, and talk to it the way the web widget does.

The folder is under var/ rather than the system temp folder: PostgreSQL, Redis and the nginx
workers run as their own users, and pytest's temp folders are readable by their owner only.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import requests

from bot import PROJECT_ROOT
from devtools.ports import free_port, free_port_range
from devtools.prodsetup import Postgres, service_user
from devtools.prodstack import Settings

START_TIMEOUT_SECONDS = 900


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
    """A running production stack: its settings, and the process ids it reports."""

    settings: Settings
    process: subprocess.Popen | None
    log: Path

    @classmethod
    def attach(cls, state: Path) -> ProdStack:
        """A stack that is already running with its data in ``state`` (not stopped by us)."""
        environment = json.loads((state / "run" / "stack.json").read_text())["settings"]
        return cls(Settings.from_env(environment), process=None, log=state / "run-prod.out")

    def pids(self) -> dict[str, int]:
        path = self.settings.state / "run" / "stack.json"
        return {name: int(pid) for name, pid in json.loads(path.read_text())["pids"].items()}

    def postgres(self) -> Postgres:
        # As root the cluster lives outside the state folder (Settings.service_home): real paths.
        home = (self.settings.state / "pg").resolve()
        return Postgres(home, self.settings.pg_port or 0, service_user("postgres"))

    def cpu_seconds(self) -> float:
        """CPU time used so far by every process of the stack (PostgreSQL included)."""
        return cpu_seconds([*self.pids().values(), self.postgres().postmaster_pid()])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings.public_port}"

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
        """The process id of ``rasa-<port>``, ``actions-<port>``, ``redis``, ``nginx`` or
        ``referral-worker``."""
        return self.pids()[name]

    def restart_postgres(self) -> None:
        """Restart the stack's PostgreSQL (fast shutdown: open connections are cut)."""
        self.postgres().restart()

    def wait_until_up(self, url: str, timeout: float = START_TIMEOUT_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"the stack exited:\n{self.log.read_text()[-4000:]}")
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
    """``python -m devtools.prodstack`` with every port free and its data in
    var/prod-run-<id>/, removed after."""
    state = PROJECT_ROOT / "var" / f"prod-run-{uuid.uuid4().hex[:8]}"
    state.mkdir(parents=True)
    settings = Settings(
        state=state,
        replicas=replicas,
        action_servers=action_servers,
        public_port=free_port(),
        rasa_base_port=free_port_range(replicas),
        actions_port=free_port(),
        actions_base_port=free_port_range(action_servers),
        pg_port=free_port(),
        redis_port=free_port(),
    )
    log = state / "run-prod.out"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "devtools.prodstack"],
            cwd=PROJECT_ROOT,
            env={**os.environ, **settings.environment(), **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    stack = ProdStack(settings, process=process, log=log)
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        # The stack writes stack.json once everything answers and the action servers are warm.
        while not (state / "run" / "stack.json").exists():
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"the stack did not finish starting:\n{log.read_text()[-4000:]}")
            time.sleep(0.5)
        yield stack
    finally:
        stack.stop()
        if not keep_state:
            for service in ("pg", "redis"):  # folders the stack may keep outside, as root
                if (state / service).is_symlink():
                    shutil.rmtree((state / service).resolve().parent, ignore_errors=True)
            shutil.rmtree(state, ignore_errors=True)
