"""The production shape on this machine, on loopback only (docs/deploy.md): ``make run-prod``.

    nginx :5005 ──hash(sender id)──► Rasa replicas :5006, :5007, ...   (same model)
    nginx :5055 ──round robin──────► action servers :5056, :5057, ...
    referral delivery worker; PostgreSQL (conversations, referrals) and Redis (locks).

    .venv/bin/python -m devtools.prodstack

The processes are a table (``processes``): name, command, health URL, restart policy; a process
that exits is started again as its policy says, as an orchestrator would. Secrets come from the
environment (AJC_PG_PASSWORD, AJC_REDIS_PASSWORD; random for this run when unset) and are never
written to a file or a command line. Ctrl-C (or SIGTERM) stops everything, PostgreSQL included.
Where everything listens and the process ids are in <state>/run/stack.json (devtools/prodrun.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import signal
import subprocess
import sys
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from bot import PROJECT_ROOT
from devtools import prodsetup
from devtools.ports import first_free_port, port_free
from devtools.supervisor import Process, Stopping, Supervisor, say

VENV_BIN = Path(sys.executable).parent
DEFAULT_CORS = "http://localhost:8080 http://127.0.0.1:8080"


@dataclass(frozen=True)
class Settings:
    """What runs where: from the AJC_* environment (the table in docs/deploy.md)."""

    state: Path
    replicas: int = 2
    action_servers: int = 2
    public_port: int = 5005
    rasa_base_port: int = 5006
    actions_port: int = 5055
    actions_base_port: int = 5056
    action_timeout: int = 2  # seconds before the person gets the apology instead (nginx)
    pg_port: int | None = None  # None: the first free from 5432
    redis_port: int | None = None  # None: the first free from 6379

    ENVIRONMENT = {
        "state": "AJC_PROD_DIR",
        "replicas": "AJC_REPLICAS",
        "action_servers": "AJC_ACTION_SERVERS",
        "public_port": "AJC_PORT",
        "rasa_base_port": "AJC_RASA_BASE_PORT",
        "actions_port": "AJC_ACTIONS_PORT",
        "actions_base_port": "AJC_ACTIONS_BASE_PORT",
        "action_timeout": "AJC_ACTION_TIMEOUT",
        "pg_port": "AJC_PG_PORT",
        "redis_port": "AJC_REDIS_PORT",
    }

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        given = {key: env[name] for key, name in cls.ENVIRONMENT.items() if env.get(name)}
        state = Path(given.pop("state", PROJECT_ROOT / "var" / "prod"))
        numbers = {key: int(value) for key, value in given.items()}
        return cls(state=Path(os.path.realpath(state)), **numbers)

    def environment(self) -> dict[str, str]:
        """The inverse of ``from_env``: how to start a stack with these settings."""
        values = asdict(self)
        return {name: str(values[key]) for key, name in self.ENVIRONMENT.items() if values[key]}

    @property
    def rasa_ports(self) -> list[int]:
        return [self.rasa_base_port + i for i in range(self.replicas)]

    @property
    def action_ports(self) -> list[int]:
        return [self.actions_base_port + i for i in range(self.action_servers)]

    @property
    def service_home(self) -> Path:
        """Where PostgreSQL and Redis keep their files. As root they run as their own users, who
        may be unable to enter the project folder (a clone in a private home or mktemp folder):
        then a folder they can reach, one per state folder, linked from state/pg and state/redis.
        """
        if not prodsetup.is_root():
            return self.state
        return Path("/var/tmp/ajc-prod") / hashlib.sha1(str(self.state).encode()).hexdigest()[:12]


def credentials_file(settings: Settings) -> Path:
    """The replicas' channels: deploy/credentials.prod.yml, plus SMS / WhatsApp when the Twilio
    settings are in the environment, written by scripts/channel-credentials as on Kubernetes."""
    return settings.state / "credentials.yml"


def write_credentials(settings: Settings, env: Mapping[str, str]) -> None:
    subprocess.run(
        [
            str(PROJECT_ROOT / "scripts" / "channel-credentials"),
            str(PROJECT_ROOT / "deploy" / "credentials.prod.yml"),
            str(credentials_file(settings)),
        ],
        env=dict(env),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def warm_up(port: int) -> Callable[[], None]:
    """The data-heavy action calls to the action server on ``port``, made after each start."""

    def call_actions() -> None:
        for action in prodsetup.warm_up_actions(port):
            say(f"warm-up of {action} on :{port} failed")

    return call_actions


def processes(settings: Settings, env: Mapping[str, str], model: Path) -> list[Process]:
    """The stack: what runs, how to check it answers, and what to do when it exits. ``env`` is
    the Python processes' environment (stack_environment)."""
    rasa, python = str(VENV_BIN / "rasa"), str(VENV_BIN / "python")
    cors = env.get("AJC_CORS_ORIGINS", DEFAULT_CORS).split()
    assert settings.redis_port is not None, "main() picks the port first"
    redis = prodsetup.redis_config(
        settings.redis_port, settings.service_home / "redis", env["AJC_REDIS_PASSWORD"]
    )
    nginx = settings.state / "nginx"
    python_popen = {"cwd": PROJECT_ROOT, "env": env}
    return [
        Process(
            "redis",
            ["redis-server", "-"],
            popen=prodsetup.as_user(prodsetup.service_user("redis")),
            stdin=redis,
        ),
        *(
            Process(
                f"actions-{port}",
                [rasa, "run", "actions", "--actions", "actions", "--port", str(port), "--quiet"],
                health=f"http://127.0.0.1:{port}/health",
                popen={"cwd": PROJECT_ROOT, "env": {**env, "SANIC_HOST": "127.0.0.1"}},
                when_up=warm_up(port),
            )
            for port in settings.action_ports
        ),
        # Delivers stored referrals to the partner; exits with 0 when no endpoint is set. Several
        # workers may run at once (each referral is leased by one), so one is enough and safe.
        Process(
            "referral-worker",
            [python, "-m", "bot", "referrals", "worker"],
            restart="on-failure",
            popen=python_popen,
        ),
        *(
            Process(
                f"rasa-{port}",
                [
                    *(rasa, "run", "--model", str(model), "--interface", "127.0.0.1"),
                    *("--port", str(port), "--endpoints", "deploy/endpoints.prod.yml"),
                    *("--credentials", str(credentials_file(settings)), "--cors", *cors),
                    "--quiet",
                ],
                health=f"http://127.0.0.1:{port}/",
                popen=python_popen,
            )
            for port in settings.rasa_ports
        ),
        # Last: a request to a replica that is still loading would take it out of rotation for
        # its fail_timeout.
        Process(
            "nginx",
            ["nginx", "-p", str(nginx), "-c", str(nginx / "nginx.conf")],
            health=f"http://127.0.0.1:{settings.public_port}/",
            popen={"env": {"PATH": prodsetup.SERVICE_PATH}},
            last=True,
        ),
    ]


def state_writer(settings: Settings) -> Callable[[dict[str, int]], None]:
    """Writes <state>/run/stack.json: the settings and the current process ids, for whoever
    attaches to this run (devtools/prodrun.py)."""
    path = settings.state / "run" / "stack.json"

    def write(pids: dict[str, int]) -> None:
        state = {"settings": settings.environment(), "pids": pids}
        partial = path.with_suffix(".partial")
        partial.write_text(json.dumps(state, indent=2))
        partial.replace(path)

    return write


def model_path(env: Mapping[str, str]) -> Path:
    """AJC_MODEL (as in the tests), else the trained model for the current inputs."""
    if env.get("AJC_MODEL"):
        return Path(env["AJC_MODEL"])
    script = PROJECT_ROOT / "scripts" / "model-path"
    found = subprocess.run([str(script)], capture_output=True, text=True, check=True)
    return Path(found.stdout.strip())


def stack_environment(env: Mapping[str, str], settings: Settings) -> dict[str, str]:
    """The environment of the Python processes: where PostgreSQL, Redis and the action proxy
    are, with the secrets (random for this run when unset)."""
    pg_password = env.get("AJC_PG_PASSWORD") or secrets.token_urlsafe(24)
    pg_url_password = urllib.parse.quote(pg_password, safe="")
    # One TensorFlow thread per replica: replicas are the unit of parallelism, and each replica's
    # own thread pools would otherwise contend for the same cores (docs/performance.md).
    # A conversation's Redis lock outlives a killed replica by TICKET_LOCK_LIFETIME seconds: Rasa's
    # default, 60, held that person's next message on the other replica for a minute. Messages
    # take well under a second, and actions are cut at 2 s by the proxy, so 10 s is ample.
    return {
        **env,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")])),
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SANIC_WORKERS": "1",
        "ACTION_SERVER_SANIC_WORKERS": "1",
        "TF_INTRA_OP_PARALLELISM_THREADS": "1",
        "TF_INTER_OP_PARALLELISM_THREADS": "1",
        "TICKET_LOCK_LIFETIME": env.get("TICKET_LOCK_LIFETIME", "10"),
        "AJC_PG_HOST": "127.0.0.1",
        "AJC_PG_PORT": str(settings.pg_port),
        "AJC_PG_DB": "ajc",
        "AJC_PG_USER": "ajc",
        "AJC_PG_PASSWORD": pg_password,
        "AJC_REDIS_HOST": "127.0.0.1",
        "AJC_REDIS_PORT": str(settings.redis_port),
        "AJC_REDIS_PASSWORD": env.get("AJC_REDIS_PASSWORD") or secrets.token_urlsafe(24),
        "AJC_ACTION_ENDPOINT": f"http://127.0.0.1:{settings.actions_port}/webhook",
        "AJC_REFERRALS_DB_URL": (
            f"postgresql://ajc:{pg_url_password}@127.0.0.1:{settings.pg_port}/ajc"
        ),
    }


def prepare_folders(settings: Settings, postgres: prodsetup.Postgres) -> None:
    """state/run, state/logs and the services' folders (linked from the state folder as root)."""
    home, logs = settings.service_home, settings.state / "logs"
    for folder in (settings.state / "run", logs, home / "redis", postgres.home):
        folder.mkdir(parents=True, exist_ok=True)
    if prodsetup.is_root():
        home.parent.chmod(0o755)
        home.chmod(0o755)
        prodsetup.chown_to(home / "redis", prodsetup.service_user("redis"))
        for service in ("pg", "redis"):
            link = settings.state / service
            link.unlink(missing_ok=True)
            link.symlink_to(home / service)
    log_link = logs / "postgresql.log"
    log_link.unlink(missing_ok=True)
    log_link.symlink_to(postgres.log)


def banner(settings: Settings, model: Path, postgres: prodsetup.Postgres) -> str:
    rasa = ", ".join(map(str, settings.rasa_ports))
    actions = ", ".join(map(str, settings.action_ports))
    public = settings.public_port
    return f"""
  The AJC assistant runs in its production shape (loopback only):
    public (nginx)    http://127.0.0.1:{public}/webhooks/rest/webhook   sticky by sender id
    Rasa replicas     127.0.0.1: {rasa}   model {model.name}
    actions (nginx)   http://127.0.0.1:{settings.actions_port}/webhook   timeout \
{settings.action_timeout}s, then an apology
    action servers    127.0.0.1: {actions}
    referrals         delivered by the referral-worker process (when AJC_REFERRAL_ENDPOINT is set)
    PostgreSQL        127.0.0.1:{settings.pg_port}  database ajc, user ajc   data {postgres.data}
    Redis (locks)     127.0.0.1:{settings.redis_port}
    logs              {settings.state / "logs"}/   ports and process ids \
{settings.state / "run" / "stack.json"}
  Try: curl -s localhost:{public}/webhooks/rest/webhook -d '{{"sender":"me","message":"hola"}}'
  Press Ctrl-C to stop.
"""


def main() -> int:
    if prodsetup.missing_packages():
        installer = PROJECT_ROOT / "scripts" / "install-prod-packages"
        if subprocess.run([str(installer)], check=False).returncode != 0:
            return 1
    env = dict(os.environ)
    settings = Settings.from_env(env)
    model = model_path(env)
    if not model.is_file():
        say(f"no trained model at {model}: run make train")
        return 1
    ports = [settings.public_port, settings.actions_port, *settings.rasa_ports]
    for port in [*ports, *settings.action_ports]:
        if not port_free(port):
            say(f"port {port} is in use (see the AJC_*PORT settings in docs/deploy.md)")
            return 1
    pg_port = settings.pg_port or first_free_port(5432)
    redis_port = settings.redis_port or first_free_port(6379)
    settings = replace(settings, pg_port=pg_port, redis_port=redis_port)
    postgres = prodsetup.Postgres(
        settings.service_home / "pg", pg_port, prodsetup.service_user("postgres")
    )
    prepare_folders(settings, postgres)
    python_env = stack_environment(env, settings)
    write_credentials(settings, python_env)
    logs = settings.state / "logs"
    nginx_conf = prodsetup.render_nginx(
        settings.state / "nginx",
        logs,
        public_port=settings.public_port,
        rasa_ports=settings.rasa_ports,
        actions_port=settings.actions_port,
        action_ports=settings.action_ports,
        action_timeout=settings.action_timeout,
    )
    nginx_check = ["nginx", "-t", "-q", "-p", str(nginx_conf.parent), "-c", str(nginx_conf)]
    subprocess.run(nginx_check, check=True, env={"PATH": prodsetup.SERVICE_PATH})
    table = processes(settings, python_env, model)
    supervisor = Supervisor(table, logs, on_change=state_writer(settings))
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: supervisor.stopping.set())
    try:
        postgres.start(python_env["AJC_PG_PASSWORD"], logs / "initdb.log")
        tables = "from devtools.prodsetup import create_tables; create_tables()"
        subprocess.run([sys.executable, "-c", tables], check=True, env=python_env, cwd=PROJECT_ROOT)
        supervisor.start()
        print(banner(settings, model, postgres), flush=True)
        supervisor.watch()
    except Stopping:
        pass
    finally:
        say("stopping")
        supervisor.stop()
        postgres.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
