"""Start the real action server and Rasa server for end-to-end tests, on free ports.

Conversations and referrals go to files under the test's own folder, never to var/.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

from bot import PROJECT_ROOT
from bot.referrals import Settings
from devtools.fake_twilio import twilio_environment
from devtools.ports import free_port

VENV_BIN = Path(sys.executable).parent
# The tracker store of endpoints.yml, so end-to-end tests store conversations as `make run` does.
TRACKER_STORE = "bot.tracker_store.MaskingSQLTrackerStore"


def model_path() -> Path:
    """The trained model that `make test` points to (see scripts/model-path)."""
    path = (
        os.environ.get("AJC_MODEL")
        or subprocess.run(
            [str(PROJECT_ROOT / "scripts" / "model-path")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    if not Path(path).is_file():
        raise RuntimeError(f"No trained model at {path}: run `make train` (make test does it).")
    return Path(path)


def wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"server at {url} did not come up:\n{log.read_text()[-3000:]}")


@dataclass
class Assistant:
    """A running assistant, reachable over the REST channel."""

    url: str
    tracker_db: Path
    referral_settings: Settings
    processes: list[subprocess.Popen] = field(default_factory=list)

    def say(self, sender: str, text: str, metadata: dict | None = None) -> list[dict]:
        body: dict = {"sender": sender, "message": text}
        if metadata is not None:
            body["metadata"] = metadata
        response = requests.post(f"{self.url}/webhooks/rest/webhook", json=body, timeout=30)
        response.raise_for_status()
        return response.json()

    def new_sender(self) -> str:
        return f"test-{uuid.uuid4().hex[:12]}"


@contextmanager
def running_assistant(
    workdir: Path,
    *,
    credentials: Path = PROJECT_ROOT / "credentials.yml",
    tracker_store: str = TRACKER_STORE,
    twilio_api: str | None = None,
    cors: Sequence[str] = ("*",),
) -> Iterator[Assistant]:
    """Both servers on free ports, conversations in a SQLite file under ``workdir``.

    ``credentials`` and ``tracker_store`` ("SQL" is Rasa's own) let benchmarks/webhook_fuzz.py
    compare with stock Rasa. ``twilio_api`` enables SMS / WhatsApp as ``make run`` does with
    the Twilio settings, sending through that (fake) Messages API (devtools/fake_twilio.py);
    ``cors`` is the browser origins allowed (``rasa run --cors``).
    """
    actions_port, rasa_port = free_port(), free_port()
    tracker_db = workdir / "conversations.db"
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(
        f"action_endpoint:\n  url: http://127.0.0.1:{actions_port}/webhook\n"
        f"tracker_store:\n  type: {tracker_store}\n  dialect: sqlite\n  db: {tracker_db}\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "AJC_REFERRALS_DB_URL": f"sqlite:///{workdir / 'referrals.db'}",
    }
    env.pop("AJC_REFERRAL_ENDPOINT", None)
    for name in twilio_environment(""):
        env.pop(name, None)
    env.pop("AJC_TWILIO_WEBHOOK_URL", None)
    if twilio_api is not None:
        env.update(twilio_environment(twilio_api))
    channels = workdir / "channels.yml"
    subprocess.run(
        [str(PROJECT_ROOT / "scripts" / "channel-credentials"), str(credentials), str(channels)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    logs = [workdir / "actions.log", workdir / "rasa.log"]
    commands = [
        [
            str(VENV_BIN / "rasa"),
            "run",
            "actions",
            "--actions",
            "actions",
            "--port",
            str(actions_port),
        ],
        [
            str(VENV_BIN / "rasa"),
            "run",
            "--model",
            str(model_path()),
            "--port",
            str(rasa_port),
            "--endpoints",
            str(endpoints),
            "--credentials",
            str(channels),
            "--cors",
            *cors,
        ],
    ]
    assistant = Assistant(
        url=f"http://127.0.0.1:{rasa_port}",
        tracker_db=tracker_db,
        referral_settings=Settings.from_env(env),
    )
    try:
        for command, log in zip(commands, logs, strict=True):
            with log.open("w") as out:
                assistant.processes.append(
                    subprocess.Popen(
                        command, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
                    )
                )
        wait_until_up(f"http://127.0.0.1:{actions_port}/health", assistant.processes[0], logs[0])
        wait_until_up(f"{assistant.url}/", assistant.processes[1], logs[1])
        yield assistant
    finally:
        for process in assistant.processes:
            process.terminate()
        for process in assistant.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
