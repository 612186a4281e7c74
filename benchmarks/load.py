"""Load benchmark: real multi-turn conversations at 1, 20 and 50 concurrent users against
(a) this assistant on one Rasa replica, (b) two replicas behind nginx (devtools/prodstack.py), and
(c) the stock `rasa init` assistant, on the same machine, one after the other.

    .venv/bin/python -m benchmarks.load                 # everything, 20 s per cell (~13 min)
    .venv/bin/python -m benchmarks.load --seconds 5 --users 1,20 --setups stock
    .venv/bin/python -m benchmarks.load --write-docs    # also update docs/performance.md

Each virtual user runs whole conversations (new sender id each time). First with no pause
between a reply and the next message (capacity), then, for 20 and 50 users, pausing about
--pause seconds as a person reading and typing would (latency under a realistic load). A reply
that does not contain what a person would read (e.g. "Pilsen" after a ZIP code) counts as wrong.
Loopback only. The stock assistant is created and trained once with `rasa init --no-prompt` and
cached in ~/.cache/ajc-assistant/.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import aiohttp
import requests
import yaml

from bot import PROJECT_ROOT as ROOT
from devtools.ports import free_port
from devtools.prodrun import ProdStack, cpu_seconds, running_prod

VENV_BIN = Path(sys.executable).parent
STOCK_DIR = Path.home() / ".cache" / "ajc-assistant" / "stock-rasa-init-3.6.21"
DOCS = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- load.py results: begin -->", "<!-- load.py results: end -->"

CONVERSATIONS = Path(__file__).with_name("load_conversations.yml")


@dataclass(frozen=True)
class Turn:
    """What the person types, text the reply must contain, whether it calls the action server."""

    say: str
    expect: str
    action: bool


def load_conversations(assistant: str) -> list[list[Turn]]:
    """The conversations for "ajc" or "stock" (benchmarks/load_conversations.yml)."""
    data = yaml.safe_load(CONVERSATIONS.read_text())
    return [[Turn(**turn) for turn in conversation] for conversation in data[assistant]]


@dataclass
class Cell:
    """The outcome of one setup at one number of users."""

    setup: str
    users: int
    pause: float = 0.0  # mean seconds between a reply and the user's next message
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    action_latencies: list[float] = field(default_factory=list)
    errors: int = 0
    wrong: int = 0
    load: str = ""
    cpu: float = 0.0  # CPU seconds used by all processes of the setup during the cell

    @property
    def cpu_ms_per_message(self) -> float:
        return 1000 * self.cpu / len(self.latencies) if self.latencies else float("nan")

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, p: int, values: list[float] | None = None) -> float:
        data = sorted(self.latencies if values is None else values)
        if not data:
            return float("nan")
        return 1000 * data[min(len(data) - 1, int(round(p / 100 * (len(data) - 1))))]


async def converse(
    session: aiohttp.ClientSession, url: str, turns: list[Turn], cell: Cell, deadline: float
) -> None:
    sender = f"load-{uuid.uuid4().hex[:12]}"
    for turn in turns:
        if time.monotonic() >= deadline:
            return
        started = time.perf_counter()
        try:
            async with session.post(url, json={"sender": sender, "message": turn.say}) as response:
                replies = await response.json() if response.status == 200 else None
        except (aiohttp.ClientError, asyncio.TimeoutError):
            replies = None
        elapsed = time.perf_counter() - started
        if replies is None:
            cell.errors += 1
            return
        cell.latencies.append(elapsed)
        if turn.action:
            cell.action_latencies.append(elapsed)
        if turn.expect not in "\n".join(str(reply.get("text", "")) for reply in replies):
            cell.wrong += 1
            return
        if cell.pause:
            await asyncio.sleep(random.uniform(0.5, 1.5) * cell.pause)


async def user(
    session: aiohttp.ClientSession,
    url: str,
    conversations: list[list[Turn]],
    cell: Cell,
    deadline: float,
    offset: int,
) -> None:
    """One person after another on the same line: whole conversations until the deadline.

    With pauses, people also arrive at different moments rather than all at the first second.
    """
    number = offset
    if cell.pause:
        await asyncio.sleep(random.uniform(0, cell.pause))
    while time.monotonic() < deadline:
        await converse(session, url, conversations[number % len(conversations)], cell, deadline)
        number += 1


async def measure(url: str, conversations: list[list[Turn]], cell: Cell, seconds: float) -> None:
    """Closed loop: ``cell.users`` users until the deadline; messages in flight then finish."""
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        started = time.monotonic()
        deadline = started + seconds
        await asyncio.gather(
            *(user(session, url, conversations, cell, deadline, i) for i in range(cell.users))
        )
        cell.seconds = time.monotonic() - started


def warm_up(url: str, conversations: list[list[Turn]], rounds: int = 2) -> None:
    """Every conversation a few times, so that first-use loading is not measured."""
    cell = Cell("warm-up", 4)
    asyncio.run(measure(url, conversations * rounds, cell, seconds=15))


@contextmanager
def stock_assistant() -> Iterator[tuple[str, int]]:
    """The `rasa init` assistant on a free port (created and trained on first use)."""
    env = {**os.environ, "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
    if not list((STOCK_DIR / "models").glob("*.tar.gz")):
        print(f"creating and training the stock assistant in {STOCK_DIR} (a few minutes)")
        STOCK_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [str(VENV_BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(STOCK_DIR)],
            cwd=STOCK_DIR,
            env=env,
            check=True,
            capture_output=True,
        )
    port = free_port()
    log = (STOCK_DIR / "server.log").open("w")
    process = subprocess.Popen(
        [
            str(VENV_BIN / "rasa"),
            "run",
            "--port",
            str(port),
            "--interface",
            "127.0.0.1",
            "--model",
            "models",
            "--credentials",
            "credentials.yml",
            "--endpoints",
            "endpoints.yml",
            "--quiet",
        ],
        cwd=STOCK_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 600
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the stock assistant did not start; see {log.name}")
            try:
                if requests.get(f"http://127.0.0.1:{port}/", timeout=2).ok:
                    break
            except requests.RequestException:
                time.sleep(1)
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        process.terminate()
        process.wait(timeout=60)
        log.close()


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    memory = f"{memory_kb / 1024**2:.1f} GiB memory"
    return f"{os.cpu_count()} CPUs ({cpu}), {memory}, {platform.platform()}"


def load_average() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


SETUPS = {
    "one": "(a) this assistant, 1 replica",
    "two": "(b) this assistant, 2 replicas + nginx",
    "stock": "(c) stock `rasa init`, 1 process",
}


def table(cells: list[Cell]) -> str:
    lines = [
        "| setup | users | pause s | msgs/s | p50 ms | p95 ms | p99 ms "
        "| p50 ms, turns with an action | CPU ms/msg | messages | errors | wrong replies "
        "| load before |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for cell in cells:
        action_p50 = cell.percentile(50, cell.action_latencies) if cell.action_latencies else None
        lines.append(
            f"| {SETUPS[cell.setup]} | {cell.users} | {cell.pause:g} | {cell.rate:.1f} "
            f"| {cell.percentile(50):.0f} "
            f"| {cell.percentile(95):.0f} | {cell.percentile(99):.0f} "
            f"| {'-' if action_p50 is None else f'{action_p50:.0f}'} "
            f"| {cell.cpu_ms_per_message:.0f} | {len(cell.latencies)} "
            f"| {cell.errors} | {cell.wrong} | {cell.load} |"
        )
    return "\n".join(lines)


def targets(cells: list[Cell]) -> str:
    """The performance targets, each with its measured value (throughput without pauses)."""
    by = {(c.setup, c.users, c.pause): c for c in cells}
    checks = []

    def check(name: str, value: float, goal: str, met: bool) -> None:
        checks.append(f"| {name} | {value:.2f} | {goal} | {'met' if met else 'NOT met'} |")

    if ("one", 20, 0) in by and ("stock", 20, 0) in by:
        ratio = by["one", 20, 0].rate / by["stock", 20, 0].rate
        check("throughput at 20 users, (a) / (c)", ratio, ">= 3", ratio >= 3)
    for (setup, users, pause), cell in by.items():
        if setup in ("one", "two") and users == 20:
            p95 = cell.percentile(95)
            name = f"p95 at 20 users, {SETUPS[setup][:3]}, pause {pause:g} s (ms)"
            check(name, p95, "<= 250", p95 <= 250)
    if ("one", 1, 0) in by:
        single = by["one", 1, 0]
        p50 = single.percentile(50)
        check("p50 with 1 user, (a), all turns (ms)", p50, "<= 40", p50 <= 40)
        action_p50 = single.percentile(50, single.action_latencies)
        check(
            "p50 with 1 user, (a), turns with an action (ms)", action_p50, "<= 40", action_p50 <= 40
        )
    for users in (20, 50):
        if ("one", users, 0) in by and ("two", users, 0) in by:
            ratio = by["two", users, 0].rate / by["one", users, 0].rate
            check(f"throughput at {users} users, (b) / (a)", ratio, ">= 1.5", ratio >= 1.5)
    return "\n".join(["| target | measured | goal | |", "|---|---:|---|---|", *checks])


def report(cells: list[Cell], seconds: float) -> str:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"Measured {when} at commit {commit} on {machine()}; {seconds:.0f} s per cell, "
        "cells run one after the other; 'load before' is the 1-minute load average when the "
        "cell started (the machine is shared).\n\n"
        f"{table(cells)}\n\n{targets(cells)}\n"
    )


def write_docs(text: str) -> None:
    page = DOCS.read_text() if DOCS.exists() else f"# Performance\n\n{BEGIN}\n{END}\n"
    head, _, rest = page.partition(BEGIN)
    _, _, tail = rest.partition(END)
    DOCS.write_text(f"{head}{BEGIN}\n{text}{END}{tail}")


def run_cells(
    setup: str,
    url: str,
    conversations: list[list[Turn]],
    cpu: Callable[[], float],
    options: argparse.Namespace,
    cells: list[Cell],
) -> None:
    """Warm up, then one cell per number of users without pauses (capacity), then the same
    users pausing like people who read and type; ``cpu`` reads the setup's CPU seconds."""
    warm_up(url, conversations)
    plan = [(count, 0.0) for count in options.user_counts]
    if options.pause:
        plan += [(count, options.pause) for count in options.user_counts if count > 1]
    for count, pause in plan:
        time.sleep(2)
        cell = Cell(setup, count, pause, load=load_average())
        before = cpu()
        asyncio.run(measure(url, conversations, cell, options.seconds))
        cell.cpu = cpu() - before
        cells.append(cell)
        print(table([cell]).splitlines()[-1], flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each cell")
    parser.add_argument("--users", default="1,20,50", help="comma-separated user counts")
    parser.add_argument("--setups", default="stock,one,two", help="any of stock, one, two")
    parser.add_argument(
        "--pause",
        type=float,
        default=3.0,
        help="mean seconds a person takes before the next message, for the extra cells with "
        "pauses (0: no such cells)",
    )
    parser.add_argument("--write-docs", action="store_true", help="update docs/performance.md")
    parser.add_argument(
        "--running",
        metavar="STATE_DIR",
        type=Path,
        help="use a production stack (make run-prod) already running with this AJC_PROD_DIR",
    )
    args = parser.parse_args()
    args.user_counts = [int(n) for n in args.users.split(",")]
    setups = args.setups.split(",")
    cells: list[Cell] = []
    print(machine(), flush=True)
    if "stock" in setups:
        with stock_assistant() as (url, pid):
            run_cells(
                "stock",
                f"{url}/webhooks/rest/webhook",
                load_conversations("stock"),
                lambda: cpu_seconds([pid]),
                args,
                cells,
            )
    if "one" in setups or "two" in setups:
        with ExitStack() as stack:
            if args.running:
                prod = ProdStack.attach(args.running.resolve())
            else:
                prod = stack.enter_context(running_prod(replicas=2, action_servers=2))
            ports = {"one": prod.settings.rasa_ports[0], "two": prod.settings.public_port}
            for setup, port in ports.items():
                if setup in setups:
                    url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
                    run_cells(setup, url, load_conversations("ajc"), prod.cpu_seconds, args, cells)
    text = report(cells, args.seconds)
    print(f"\n{text}")
    if args.write_docs:
        write_docs(text)
        print(f"written to {DOCS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
