"""The parts of the production stack that are set up rather than supervised: PostgreSQL (started
with pg_ctl, which runs it in the background), Redis's configuration, nginx's configuration, the
tables, and the warm-up calls. devtools/prodstack.py runs them; tests/test_prod.py restarts
PostgreSQL through them.

Secrets only ever travel on standard input: psql reads the role's password, Redis its
``requirepass``; neither is written to a file or put on a command line.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Any

import requests

from bot import PROJECT_ROOT

NGINX_SOURCE = PROJECT_ROOT / "deploy" / "nginx"
# Shared with the Kubernetes ConfigMaps (deploy/nginx/kustomization.yaml), copied beside nginx.conf.
NGINX_INCLUDES = ("routing.conf", "chat.locations", "actions.locations")
SERVICE_PATH = "/usr/bin:/bin:/usr/sbin:/sbin"
# The include line that the cluster's postgresql.conf gets once; the file it names is rewritten on
# every start, so that any later `pg_ctl start` or `restart` uses this run's port and sockets.
PG_SETTINGS_FILE = "run-prod.conf"


def is_root() -> bool:
    return os.geteuid() == 0


def service_user(name: str) -> str:
    """The user a service runs as: its own (``postgres``, ``redis``) as root, else the caller."""
    return name if is_root() else pwd.getpwuid(os.geteuid()).pw_name


def as_user(name: str) -> dict[str, Any]:
    """Popen arguments that run a program as ``name`` (as root), from a folder it can enter, with
    nothing of our environment (the secrets are in it)."""
    options: dict[str, Any] = {"cwd": "/", "env": {"PATH": SERVICE_PATH}}
    if is_root():
        entry = pwd.getpwnam(name)
        groups = os.getgrouplist(name, entry.pw_gid)
        options.update(user=entry.pw_uid, group=entry.pw_gid, extra_groups=groups)
    return options


def chown_to(path: Path, name: str) -> None:
    if is_root():
        entry = pwd.getpwnam(name)
        os.chown(path, entry.pw_uid, entry.pw_gid)


def pg_bin() -> Path | None:
    """The newest installed PostgreSQL's programs (Debian keeps them out of PATH)."""
    found = Path("/usr/lib/postgresql").glob("*/bin")
    versions = sorted(found, key=lambda path: [int(n) for n in path.parent.name.split(".")])
    return versions[-1] if versions else None


def missing_packages() -> list[str]:
    """The Debian packages the stack needs that are not installed."""
    programs = {"postgresql": pg_bin(), "redis-server": shutil.which("redis-server")}
    programs["nginx"] = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    return [package for package, program in programs.items() if not program]


@dataclass(frozen=True)
class Postgres:
    """A PostgreSQL cluster of the stack: ``home`` holds data/, run/ (sockets) and its log."""

    home: Path
    port: int
    user: str

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def sockets(self) -> Path:
        return self.home / "run"

    @property
    def log(self) -> Path:
        return self.home / "postgresql.log"

    def run(self, program: str, *args: str, stdin: str | None = None, out: Any = None) -> None:
        """A PostgreSQL program as the cluster's user; its output to ``out`` (default: none)."""
        bin_dir = pg_bin()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL is not installed: scripts/install-prod-packages")
        subprocess.run(
            [str(bin_dir / program), *args],
            input=stdin,
            text=True,
            check=True,
            stdout=out if out is not None else subprocess.DEVNULL,
            timeout=300,
            **as_user(self.user),
        )

    def start(self, password: str, initdb_log: Path) -> None:
        """Create the cluster if needed, start it on 127.0.0.1:``port``, and make sure database
        and role ``ajc`` exist with ``password`` (set through psql's standard input)."""
        self.sockets.mkdir(parents=True, exist_ok=True)
        self.sockets.chmod(0o700)
        self.log.touch()
        for path in (self.home, self.sockets, self.log):
            chown_to(path, self.user)
        if not (self.data / "PG_VERSION").exists():
            print(f"prodstack: creating the PostgreSQL cluster in {self.data}", flush=True)
            # Local socket: trust, but the socket folder is the cluster user's only. TCP: passwords.
            with initdb_log.open("w") as out:
                self.run(
                    *("initdb", "-D", str(self.data), "-U", "postgres", "--auth-local=trust"),
                    *("--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"),
                    out=out,
                )
        if (self.data / "postmaster.pid").exists():
            print("prodstack: stopping a PostgreSQL left running from an earlier run", flush=True)
            self.stop()
        conf = self.data / "postgresql.conf"
        include = f"include_if_exists = '{PG_SETTINGS_FILE}'"
        if include not in conf.read_text().splitlines():
            with conf.open("a") as settings:
                settings.write(f"{include}\n")
        run_settings = self.data / PG_SETTINGS_FILE
        run_settings.write_text(
            f"port = {self.port}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{self.sockets}'\nunix_socket_permissions = 0700\n"
        )
        chown_to(run_settings, self.user)
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")
        escaped = password.replace("'", "''")
        self.run(
            *("psql", "-h", str(self.sockets), "-p", str(self.port), "-U", "postgres"),
            *("-d", "postgres", "-qAt", "-v", "ON_ERROR_STOP=1"),
            stdin=(
                "SELECT 'CREATE ROLE ajc LOGIN' WHERE NOT EXISTS "
                "(SELECT FROM pg_roles WHERE rolname = 'ajc')\n\\gexec\n"
                f"ALTER ROLE ajc WITH PASSWORD '{escaped}';\n"
                "SELECT 'CREATE DATABASE ajc OWNER ajc' WHERE NOT EXISTS "
                "(SELECT FROM pg_database WHERE datname = 'ajc')\n\\gexec\n"
            ),
        )

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "stop")

    def restart(self) -> None:
        """Fast shutdown (open connections are cut), then start again with the same settings.

        -l: without it the server would keep this call's output pipe open.
        """
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-m", "fast", "-w", "restart")

    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])


def redis_config(port: int, folder: Path, password: str) -> str:
    """Redis's configuration, for its standard input (so the password is in no file). The lock
    store keeps nothing worth saving: no snapshots, no append-only file."""
    quoted = password.replace("\\", "\\\\").replace('"', '\\"')
    lines = ["bind 127.0.0.1", f"port {port}", f"dir {folder}", 'save ""', "appendonly no"]
    return "\n".join([*lines, "protected-mode yes", f'requirepass "{quoted}"', ""])


class NginxTemplate(Template):
    """``@@{name}`` placeholders: nginx's own variables are written with ``$``."""

    delimiter = "@@"


def render_nginx(
    folder: Path,
    logs: Path,
    *,
    public_port: int,
    rasa_ports: list[int],
    actions_port: int,
    action_ports: list[int],
    action_timeout: int,
) -> Path:
    """deploy/nginx/local.conf.template filled in, with the files it includes, in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in NGINX_INCLUDES:
        shutil.copyfile(NGINX_SOURCE / name, folder / name)

    def servers(ports: list[int], fail_timeout: str) -> str:
        line = "        server 127.0.0.1:{} max_fails=1 fail_timeout=" + fail_timeout + ";"
        return "\n".join(line.format(port) for port in ports)

    template = NginxTemplate((NGINX_SOURCE / "local.conf.template").read_text())
    config = folder / "nginx.conf"
    config.write_text(
        template.substitute(
            user_directive="user www-data;" if is_root() else "",
            run_dir=folder,
            log_dir=logs,
            rasa_servers=servers(rasa_ports, "10s"),
            action_servers=servers(action_ports, "3s"),
            public_listen=f"127.0.0.1:{public_port}",
            actions_listen=f"127.0.0.1:{actions_port}",
            action_timeout=f"{action_timeout}s",
        )
    )
    return config


def create_tables() -> None:
    """The conversation and referral tables, created once before the replicas start together
    and would race to create them. Reads the AJC_PG_* and AJC_REFERRALS_DB_URL settings."""
    import warnings

    import sqlalchemy

    from bot.referrals.schema import engine_for
    from bot.tracker_store import MaskingSQLTrackerStore

    warnings.filterwarnings("ignore", category=sqlalchemy.exc.SADeprecationWarning)
    MaskingSQLTrackerStore(
        dialect="postgresql",
        host=os.environ["AJC_PG_HOST"],
        port=os.environ["AJC_PG_PORT"],
        db=os.environ["AJC_PG_DB"],
        username=os.environ["AJC_PG_USER"],
        password=os.environ["AJC_PG_PASSWORD"],
    ).engine.dispose()
    engine_for(os.environ["AJC_REFERRALS_DB_URL"]).dispose()


# The first call of an action server loads the directory and knowledge data (0.7 s idle, over the
# 2 s action timeout on a busy machine): make it before anyone is waiting. (action, intent, slots)
WARM_UP_CALLS = (
    ("action_find_ajc", "find_ajc", {"location": "60623"}),
    ("action_answer_program", "ask_training_funding", {}),
    ("action_list_ajcs", "list_ajcs", {}),
)


def warm_up_actions(port: int) -> list[str]:
    """Each data-heavy action once, straight to the action server (so no conversation is
    stored); the actions whose call failed."""
    failed = []
    for action, intent, slots in WARM_UP_CALLS:
        sender = "run-prod-warm-up"
        call = {
            "next_action": action,
            "sender_id": sender,
            "version": "3.6.21",
            "domain": {},
            "tracker": {
                "sender_id": sender,
                "slots": {**slots, "language": "es"},
                "latest_message": {"intent": {"name": intent}, "entities": [], "text": ""},
                "events": [],
                "paused": False,
                "followup_action": None,
                "active_loop": {},
                "latest_action_name": "action_listen",
            },
        }
        try:
            requests.post(
                f"http://127.0.0.1:{port}/webhook", json=call, timeout=60
            ).raise_for_status()
        except requests.RequestException:
            failed.append(action)
    return failed
