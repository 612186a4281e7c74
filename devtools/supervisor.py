"""A short supervisor: a table of processes (name, command, health URL, restart policy) that it
starts, waits for, and starts again when they exit, as an orchestrator would. devtools/prodstack.py
declares the production stack with it."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import requests

START_SECONDS = 300  # how long a process may take to answer its health URL
QUICK_EXIT_SECONDS = 10  # a process that exits sooner waits longer before each new start
MAX_RESTART_DELAY = 30.0


@dataclass(frozen=True)
class Process:
    """One supervised process.

    ``restart``: "always", or "on-failure" (an exit status of 0 means there is nothing to do, as
    for the delivery worker without a partner endpoint). ``popen``: more Popen arguments (another
    user, environment or folder). ``stdin``: what to write to its standard input (configuration
    with secrets). ``when_up``: called once its health URL answers, after every start. ``last``:
    started once all the others answer.
    """

    name: str
    command: list[str]
    health: str | None = None
    restart: Literal["always", "on-failure"] = "always"
    popen: Mapping[str, Any] = field(default_factory=dict, repr=False)
    stdin: str | None = field(default=None, repr=False)
    when_up: Callable[[], None] | None = field(default=None, repr=False)
    last: bool = False


class Stopping(Exception):
    """Ctrl-C or SIGTERM came while the processes were starting."""


def say(message: str) -> None:
    print(f"prodstack: {message}", file=sys.stderr, flush=True)


class Supervisor:
    """Runs a table of processes; each one's output goes to ``logs/<name>.log``. ``on_change``
    gets the process ids whenever one starts or stops for good."""

    def __init__(
        self,
        table: list[Process],
        logs: Path,
        on_change: Callable[[dict[str, int]], None] = lambda pids: None,
    ) -> None:
        self.table = {process.name: process for process in table}
        self.logs = logs
        self.on_change = on_change
        self.running: dict[str, subprocess.Popen] = {}
        self.started: dict[str, float] = {}
        self.delay: dict[str, float] = {}
        self.due: dict[str, float] = {}  # processes waiting to be started again, and when
        self.stopping = threading.Event()

    def pids(self) -> dict[str, int]:
        return {name: child.pid for name, child in self.running.items()}

    def launch(self, process: Process) -> None:
        options = {"cwd": None, **process.popen}
        with (self.logs / f"{process.name}.log").open("a") as log:
            child = subprocess.Popen(
                process.command,
                stdin=subprocess.DEVNULL if process.stdin is None else subprocess.PIPE,
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
                **options,
            )
        if process.stdin is not None and child.stdin is not None:
            child.stdin.write(process.stdin)
            child.stdin.close()
        self.running[process.name] = child
        self.started[process.name] = time.monotonic()

    def wait_until_up(self, process: Process) -> None:
        """Until its health URL answers; RuntimeError if it exits or takes too long."""
        deadline = time.monotonic() + START_SECONDS
        while process.health:
            if self.stopping.is_set():
                raise Stopping
            if self.running[process.name].poll() is not None:
                raise RuntimeError(f"{process.name} exited while starting; see {self.logs}")
            try:
                if requests.get(process.health, timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{process.name} did not answer within {START_SECONDS} s")
            time.sleep(0.5)
        if process.when_up:
            process.when_up()

    def start(self) -> None:
        """Every process, the ``last`` ones once the others answer; returns when all answer."""
        first = [process for process in self.table.values() if not process.last]
        last = [process for process in self.table.values() if process.last]
        for group in (first, last):
            for process in group:
                self.launch(process)
            for process in group:
                self.wait_until_up(process)
        self.on_change(self.pids())

    def watch(self) -> None:
        """Until stopped: start again what exits, as its policy says. A process that exits
        quickly again and again waits 1, 2, 4 ... 30 s before each new start."""
        while not self.stopping.wait(1):
            now = time.monotonic()
            for name, child in list(self.running.items()):
                code = child.poll()
                if code is None:
                    continue
                del self.running[name]
                if self.table[name].restart == "on-failure" and code == 0:
                    say(f"{name} exited (status 0); not started again")
                    self.on_change(self.pids())
                    continue
                quick = now - self.started[name] < QUICK_EXIT_SECONDS
                doubled = max(1.0, 2 * self.delay.get(name, 0.0))
                self.delay[name] = min(doubled, MAX_RESTART_DELAY) if quick else 0.0
                self.due[name] = now + self.delay[name]
                say(f"{name} exited (status {code}); starting it again")
            for name, when in list(self.due.items()):
                if when <= now and not self.stopping.is_set():
                    del self.due[name]
                    self.restart(self.table[name])

    def restart(self, process: Process) -> None:
        self.launch(process)
        self.on_change(self.pids())
        if process.when_up:
            threading.Thread(target=self.wait_quietly, args=(process,), daemon=True).start()

    def wait_quietly(self, process: Process) -> None:
        try:
            self.wait_until_up(process)
        except (RuntimeError, Stopping) as error:
            say(str(error) or "stopping")

    def stop(self) -> None:
        self.stopping.set()
        for child in self.running.values():
            if child.poll() is None:
                child.terminate()
        for child in self.running.values():
            try:
                child.wait(timeout=60)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
