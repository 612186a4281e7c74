"""Where one replica's time goes: the load benchmark's conversations through Rasa's own message
handling, in this process, with the project's conversation store and the real action server.

    .venv/bin/python -m benchmarks.profile_message             # starts an action server
    .venv/bin/python -m benchmarks.profile_message --top 40    # longer profile listing

Prints wall and CPU milliseconds per message, NLU parse alone, and the share of each stage
(parse, load/save of the conversation, policies, actions) from cProfile, so a change can be
compared before and after (docs/performance.md). The figures are lower than the HTTP benchmark's:
no HTTP, no nginx, one message at a time.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import os
import pstats
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
import structlog
import yaml

from devtools.ports import free_port

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")

# cProfile entries (file suffix, function) that make up one message, in the order they happen.
STAGES = {
    "load the conversation": ("rasa/core/tracker_store.py", "get_or_create_tracker"),
    "NLU parse": ("rasa/core/processor.py", "parse_message"),
    "policies (next action)": ("rasa/core/processor.py", "_predict_next_with_tracker"),
    "actions (incl. action server calls)": ("rasa/core/processor.py", "_run_action"),
    "save the conversation": ("rasa/core/processor.py", "save_tracker"),
}


@contextmanager
def action_server() -> Iterator[str]:
    """The project's action server on a free port, as `make run` starts it."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/health", timeout=1).ok:
                    yield f"http://127.0.0.1:{port}/webhook"
                    return
            except requests.RequestException:
                time.sleep(0.5)
        raise RuntimeError("the action server did not start")
    finally:
        process.terminate()
        process.wait(timeout=30)


def conversations() -> list[list[str]]:
    data = yaml.safe_load((ROOT / "benchmarks" / "load_conversations.yml").read_text())
    return [[turn["say"] for turn in conversation] for conversation in data["ajc"]]


async def measure(model: Path, webhook: str, rounds: int, profile: cProfile.Profile) -> None:
    from rasa.core.agent import load_agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.endpoints import EndpointConfig

    from bot.tracker_store import MaskingSQLTrackerStore

    agent = await load_agent(
        model_path=str(model), endpoints=AvailableEndpoints(action=EndpointConfig(webhook))
    )
    with tempfile.TemporaryDirectory() as folder:
        store = MaskingSQLTrackerStore(
            domain=agent.domain, dialect="sqlite", db=str(Path(folder) / "conversations.db")
        )
        agent.tracker_store = agent.processor.tracker_store = store

        async def run(times: int, walls: list[float], cpus: list[float]) -> None:
            for _ in range(times):
                for conversation in conversations():
                    sender = uuid.uuid4().hex
                    for text in conversation:
                        wall, cpu = time.perf_counter(), time.process_time()
                        await agent.handle_message(
                            UserMessage(text, CollectingOutputChannel(), sender)
                        )
                        walls.append((time.perf_counter() - wall) * 1000)
                        cpus.append((time.process_time() - cpu) * 1000)

        await run(2, [], [])  # warm-up: first calls build TensorFlow graphs and caches
        walls: list[float] = []
        cpus: list[float] = []
        await run(rounds, walls, cpus)
        walls.sort()
        print(
            f"{len(walls)} messages: wall p50 {walls[len(walls) // 2]:.1f} ms, "
            f"mean {sum(walls) / len(walls):.1f} ms; CPU mean {sum(cpus) / len(cpus):.1f} ms"
        )
        texts = [text for conversation in conversations() for text in conversation]
        start = time.perf_counter()
        for text in texts:
            await agent.parse_message(text)
        print(f"NLU parse alone: {(time.perf_counter() - start) * 1000 / len(texts):.1f} ms")
        profile.enable()
        await run(rounds, [], [])
        profile.disable()


def stage_shares(stats: pstats.Stats) -> None:
    raw = stats.stats  # type: ignore[attr-defined]
    total = next(v[3] for k, v in raw.items() if k[2] == "handle_message" and "processor" in k[0])
    print("\nShare of message handling (cProfile, cumulative):")
    for stage, (suffix, function) in STAGES.items():
        seconds = sum(v[3] for k, v in raw.items() if k[0].endswith(suffix) and k[2] == function)
        print(f"  {stage:<38} {100 * seconds / total:5.1f} %")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, help="trained model (default: the current one)")
    parser.add_argument("--rounds", type=int, default=5, help="times through the conversations")
    parser.add_argument("--top", type=int, default=20, help="functions listed by own time")
    args = parser.parse_args()
    model = args.model or Path(
        subprocess.run(
            [str(ROOT / "scripts" / "model-path")], capture_output=True, text=True, check=True
        ).stdout.strip()
    )
    logging.basicConfig(level=logging.WARNING)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    profile = cProfile.Profile()
    with action_server() as webhook:
        asyncio.run(measure(model, webhook, args.rounds, profile))
    stats = pstats.Stats(profile)
    stage_shares(stats)
    print()
    stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
