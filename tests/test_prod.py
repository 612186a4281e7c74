"""The production shape (devtools/prodstack.py): nginx, two Rasa replicas, two action servers,
the referral worker, PostgreSQL and Redis, with the failures it must survive.

Runs with `make test-prod` (marker `prod`), not with `make test`: it installs Debian packages
when missing and starts nine processes. Each test is a conversation a person would have while
something breaks underneath, and checks what that person would read.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import socketio
import yaml
from rasa.core import lock_store as rasa_lock_store
from rasa.core.lock_store import LockStore
from rasa.utils.endpoints import EndpointConfig

from bot import PROJECT_ROOT
from bot.lock_store import HeartbeatRedisLockStore
from devtools.fake_twilio import FakeTwilio, Phone, twilio_environment
from devtools.ports import free_port, port_free
from devtools.prodrun import ProdStack, Reply, new_sender, running_prod
from devtools.prodsetup import NGINX_INCLUDES, NGINX_SOURCE, render_nginx
from devtools.prodstack import DEFAULT_CORS
from devtools.socketio_chat import socketio_chat, websocket_conversation

pytestmark = [pytest.mark.e2e, pytest.mark.prod]

FALLBACK_RESPONSE = "utter_action_unavailable"
K8S_DIR = PROJECT_ROOT / "deploy" / "k8s"


# The address given to Twilio in production: TLS ends in front of nginx, so the channel is told
# the public URL (AJC_TWILIO_WEBHOOK_URL) to check signatures against (docs/sms-whatsapp.md).
PUBLIC_SMS_URL = "https://chat.example.org/webhooks/twilio/webhook"


@pytest.fixture(scope="module")
def stack(twilio: FakeTwilio) -> Iterator[ProdStack]:
    keep = os.environ.get("AJC_KEEP_PROD_STATE") == "1"  # logs and data for a post-mortem
    sms = {**twilio_environment(twilio.url), "AJC_TWILIO_WEBHOOK_URL": PUBLIC_SMS_URL}
    with running_prod(replicas=2, action_servers=2, keep_state=keep, env=sms) as running:
        yield running


def replica_of(upstream: str) -> str:
    """The replica that answered: the last address nginx tried."""
    return upstream.split(",")[-1].strip()


def spanish_apology() -> str:
    """The apology for a failed action, as domain.yml words it for a Spanish conversation."""
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    variations = domain.get("responses", {}).get(FALLBACK_RESPONSE)
    assert variations, (
        f"domain.yml has no {FALLBACK_RESPONSE}: the proxy answers a failed action with it "
        "(docs/deploy.md, 'When the action server fails')"
    )
    return next(v["text"] for v in variations if "condition" in v)


def wait_for_actions(stack: ProdStack, timeout: float = 300) -> None:
    """Until the action servers answer again through their proxy (the stack restarts them)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{stack.settings.actions_port}/health", timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise AssertionError("the action servers did not come back")


def test_a_spanish_conversation_goes_through_nginx(stack: ProdStack) -> None:
    me = new_sender()
    assert "¡Hola!" in stack.say(me, "hola").text
    question = stack.say(me, "donde queda la oficina de empleo mas cercana")
    assert "código postal" in question.text
    answer = stack.say(me, "60623")
    assert "Pilsen" in answer.text and "millas" in answer.text
    served_by = {replica_of(r.upstream) for r in (question, answer)}
    assert served_by <= {f"127.0.0.1:{port}" for port in stack.settings.rasa_ports}


def test_an_sms_conversation_goes_through_nginx_to_one_replica(
    stack: ProdStack, twilio: FakeTwilio
) -> None:
    me = Phone.new(stack.url, twilio, public_url=PUBLIC_SMS_URL)
    assert "¡Hola!" in "\n".join(me.send("hola"))
    assert "código postal" in "\n".join(me.send("1"))
    answer = "\n".join(me.send("60623"))
    assert "Pilsen" in answer and "millas" in answer
    served_by = {replica_of(upstream) for upstream in me.upstreams}
    assert len(served_by) == 1, "every message of one phone number goes to one replica"
    assert served_by <= {f"127.0.0.1:{port}" for port in stack.settings.rasa_ports}
    assert me.post({"From": me.number, "Body": "hola"}, signed_with=None) == 403


def test_only_the_chat_webhook_is_public(stack: ProdStack) -> None:
    tracker = requests.get(f"{stack.url}/conversations/someone/tracker", timeout=10)
    assert tracker.status_code == 404
    assert requests.get(f"{stack.url}/", timeout=10).ok


def test_rasa_webchat_talks_socket_io_through_nginx_from_allowed_origins_only(
    stack: ProdStack,
) -> None:
    """Long-polling then a WebSocket, as rasa-webchat connects, from clients at several
    addresses (so both replicas take sockets): each engine.io session must stay on its replica."""
    allowed = os.environ.get("AJC_CORS_ORIGINS", DEFAULT_CORS).split()[0]

    async def conversation(address: str) -> list[str]:
        async with socketio_chat(stack.url, origin=allowed, forwarded_for=address) as chat:
            await chat.say("60608", custom_data={"language": "es"})
            return await chat.until("Pilsen")

    async def people() -> list[list[str]]:
        return await asyncio.gather(*(conversation(f"198.51.100.{n}") for n in range(1, 7)))

    assert all("millas" in "\n".join(texts) for texts in asyncio.run(people()))
    greeting = websocket_conversation(stack.url, allowed, "hola", {"language": "es"}, "¡Hola!")
    assert any("¡Hola!" in text for text in asyncio.run(greeting))

    async def from_elsewhere() -> None:
        async with socketio_chat(stack.url, origin="https://elsewhere.example"):
            pass

    with pytest.raises(socketio.exceptions.ConnectionError):
        asyncio.run(from_elsewhere())


def test_each_conversation_stays_on_one_replica(stack: ProdStack) -> None:
    replicas_by_sender: dict[str, set[str]] = {}
    for number in range(16):
        sender = f"sticky-{number}"
        for text in ("hi", "nearest job center to 60623", "thanks"):
            reply = stack.say(sender, text)
            assert reply.messages, f"no answer to {text!r}"
            replicas_by_sender.setdefault(sender, set()).add(replica_of(reply.upstream))
    assert all(len(replicas) == 1 for replicas in replicas_by_sender.values()), replicas_by_sender
    assert len(set().union(*replicas_by_sender.values())) == 2, "both replicas take conversations"


def wait_until_refused(port: int, timeout: float = 30) -> None:
    """Until nothing listens on ``port`` (a killed process takes a moment to close it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"port {port} still answers")


def test_a_killed_replica_hands_its_conversations_to_the_other(stack: ProdStack) -> None:
    me = new_sender()
    stack.say(me, "hola")
    question = stack.say(me, "donde queda la oficina de empleo mas cercana")
    first = replica_of(question.upstream)
    port = int(first.rsplit(":", 1)[1])
    # A message in flight when the replica dies is lost (nginx never sends a POST twice; the
    # widget offers "Try again"). The conversation must go on with the next one.
    os.kill(stack.pid(f"rasa-{port}"), signal.SIGKILL)
    wait_until_refused(port)
    answer = stack.say(me, "60623")
    assert replica_of(answer.upstream) != first
    assert "Pilsen" in answer.text and "millas" in answer.text, "the Spanish history moved along"


def test_killing_a_replica_under_load_loses_no_conversation(stack: ProdStack) -> None:
    """Twelve people chatting in Spanish while one replica is killed: a message in flight on it
    may fail (the widget then offers "Try again"); one retry is answered, and every
    conversation goes on with its history on the other replica."""
    # An earlier test may have killed a replica; the stack restarts it.
    for port in stack.settings.rasa_ports:
        stack.wait_until_up(f"http://127.0.0.1:{port}/")
    turns = [
        ("donde queda la oficina de empleo mas cercana", "código postal"),
        ("60623", "millas"),
    ]
    stop = threading.Event()
    failures: list[str] = []
    retried: list[str] = []
    finished: list[int] = []

    def say_with_one_retry(sender: str, text: str) -> Reply:
        try:
            return stack.say(sender, text)
        except requests.RequestException:
            retried.append(sender)
            return stack.say(sender, text)

    def person(number: int) -> None:
        conversations = 0
        while not stop.is_set():
            sender = new_sender(f"load{number}")
            try:
                for text, expected in [("hola", "¡Hola!"), *turns]:
                    reply = say_with_one_retry(sender, text)
                    if expected not in reply.text:
                        failures.append(f"{sender} {text!r}: {reply.text[:80]!r}")
                conversations += 1
            except requests.RequestException as error:
                failures.append(f"{sender} failed twice: {error}")
        finished.append(conversations)

    people = [threading.Thread(target=person, args=(n,)) for n in range(12)]
    for thread in people:
        thread.start()
    time.sleep(3)
    victim = stack.settings.rasa_ports[0]
    os.kill(stack.pid(f"rasa-{victim}"), signal.SIGKILL)
    time.sleep(8)
    stop.set()
    for thread in people:
        thread.join(timeout=120)
    assert not failures, failures
    assert len(retried) <= 12, "at most the messages in flight on the killed replica failed"
    assert len(finished) == 12 and all(count >= 1 for count in finished), finished
    print(f"conversations completed: {sum(finished)}, messages retried: {len(retried)}")


@pytest.fixture
def redis_port(tmp_path: Path) -> Iterator[int]:
    """A Redis server of this test only (the production set-up installs Redis)."""
    port = free_port()
    server = subprocess.Popen(
        [
            *("redis-server", "--port", str(port), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no", "--dir", str(tmp_path)),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while port_free(port) is not False and time.monotonic() < deadline:
            time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def lock_store_on(port: int) -> HeartbeatRedisLockStore:
    """The lock store as deploy/endpoints.prod.yml configures it, on the given Redis."""
    endpoints = yaml.safe_load((PROJECT_ROOT / "deploy" / "endpoints.prod.yml").read_text())
    config = {**endpoints["lock_store"], "port": port, "password": None}
    config.pop("url")
    store = LockStore.create(EndpointConfig(url="127.0.0.1", **config))
    assert isinstance(store, HeartbeatRedisLockStore)
    return store


def test_a_message_waiting_behind_a_dead_replica_is_served_after_its_lock_expires(
    redis_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rasa_lock_store, "LOCK_LIFETIME", 3)
    dead, alive = lock_store_on(redis_port), lock_store_on(redis_port)
    dead.issue_ticket("maria", lock_lifetime=3)  # taken, then the replica is killed

    async def next_message() -> float:
        started = time.monotonic()
        async with alive.lock("maria", lock_lifetime=3, wait_time_in_seconds=0.2):
            return time.monotonic() - started

    waited = asyncio.run(asyncio.wait_for(next_message(), timeout=30))
    assert 2 < waited < 6, f"served {waited:.1f} s after the dead replica's ticket"


def test_two_messages_of_one_conversation_still_take_turns(redis_port: int) -> None:
    first, second = lock_store_on(redis_port), lock_store_on(redis_port)
    order: list[str] = []

    async def handle(store: HeartbeatRedisLockStore, name: str, delay: float) -> None:
        await asyncio.sleep(delay)
        async with store.lock("ana", wait_time_in_seconds=0.05):
            order.append(f"{name} starts")
            await asyncio.sleep(0.5)
            order.append(f"{name} ends")

    async def both() -> None:
        await asyncio.gather(handle(first, "first", 0), handle(second, "second", 0.1))

    asyncio.run(both())
    assert order == ["first starts", "first ends", "second starts", "second ends"]


def test_postgres_restart_mid_form_keeps_the_conversation(stack: ProdStack) -> None:
    me = new_sender()
    stack.say(me, "quiero que me llamen")
    assert "¿Está de acuerdo?" in stack.say(me, "busco trabajo o capacitacion").text
    assert "nombre" in stack.say(me, "si").text
    stack.restart_postgres()
    after = stack.say(me, "Maria")
    assert "teléfono o correo" in after.text, (
        "the first message after the database restart continues the Spanish form"
    )
    assert "código postal" in stack.say(me, "mi cel es 312-555-0147").text


def test_a_slow_action_server_gets_an_apology_then_the_conversation_goes_on(
    stack: ProdStack,
) -> None:
    apology = spanish_apology()
    me = new_sender()
    assert "código postal" in stack.say(me, "donde queda la oficina de empleo mas cercana").text
    frozen = [stack.pid(f"actions-{port}") for port in stack.settings.action_ports]
    for pid in frozen:
        os.kill(pid, signal.SIGSTOP)
    try:
        reply = stack.say(me, "60623")
    finally:
        for pid in frozen:
            os.kill(pid, signal.SIGCONT)
    print(f"apology after {reply.seconds:.2f} s")
    assert reply.text == apology and "LevelUpAJC" in reply.text
    assert "Pilsen" in stack.say(me, "60623").text


def test_action_server_down_gets_an_apology_until_it_is_back(stack: ProdStack) -> None:
    apology = spanish_apology()
    me = new_sender()
    assert "¡Hola!" in stack.say(me, "hola").text
    for port in stack.settings.action_ports:
        os.kill(stack.pid(f"actions-{port}"), signal.SIGKILL)
    health = requests.get(f"http://127.0.0.1:{stack.settings.actions_port}/health", timeout=10)
    assert health.status_code == 502, "the action servers should be down for this test"
    reply = stack.say(me, "hay un centro de empleo cerca de la villita?")
    print(f"apology after {reply.seconds:.2f} s")
    assert reply.text == apology
    wait_for_actions(stack)
    again = stack.say(me, "hay un centro de empleo cerca de la villita?")
    assert "Pilsen" in again.text and "Personal que habla español" in again.text


# ---- Kubernetes manifests (no cluster needed) ----------------------------------------------------


def k8s_documents() -> list[tuple[Path, dict]]:
    return [
        (path, document)
        for path in sorted(K8S_DIR.glob("*.yaml"))
        for document in yaml.safe_load_all(path.read_text())
        if document
    ]


def containers(document: dict) -> list[dict]:
    spec = document.get("spec", {}).get("template", {}).get("spec", {})
    return spec.get("containers", []) + spec.get("initContainers", [])


def test_k8s_secrets_come_from_secret_objects_only() -> None:
    documents = k8s_documents()
    assert documents, "deploy/k8s/ has manifests"
    assert not [path for path, doc in documents if doc.get("kind") == "Secret"], (
        "Secrets are created from the environment (docs/deploy.md), never kept in a file"
    )
    for path, document in documents:
        for container in containers(document):
            for variable in container.get("env", []):
                secretish = any(w in variable["name"] for w in ("PASSWORD", "SECRET", "TOKEN"))
                if secretish:
                    assert "secretKeyRef" in variable.get("valueFrom", {}), (path, variable)


def test_k8s_rasa_and_actions_wait_for_readiness() -> None:
    probes = {
        (document["metadata"]["name"], container["name"]): container.get("readinessProbe", {})
        for _, document in k8s_documents()
        if document.get("kind") in ("Deployment", "StatefulSet")
        for container in containers(document)
    }
    assert probes["rasa", "rasa"]["httpGet"]["path"] == "/"
    assert probes["actions", "actions"]["httpGet"]["path"] == "/health"
    assert all(probes.values()), "every long-running container has a readiness probe"


def test_local_and_k8s_nginx_share_one_source() -> None:
    """The ConfigMaps are generated from the very files that make run-prod includes."""
    kustomization = yaml.safe_load((NGINX_SOURCE / "kustomization.yaml").read_text())
    files = {
        name.split("=")[-1]
        for generator in kustomization["configMapGenerator"]
        for name in generator["files"]
    }
    assert set(NGINX_INCLUDES) <= files
    assert "../nginx" in yaml.safe_load((K8S_DIR / "kustomization.yaml").read_text())["resources"]
    wrappers = {path.name: path.read_text() for path in NGINX_SOURCE.glob("k8s-*.conf")}
    assert "include conf.d/chat.locations;" in wrappers["k8s-router.conf"]
    assert "include conf.d/actions.locations;" in wrappers["k8s-actions-proxy.conf"]


@pytest.mark.skipif(not shutil.which("nginx", path="/usr/sbin:/usr/bin"), reason="no nginx")
def test_the_rendered_local_nginx_configuration_is_valid(tmp_path: Path) -> None:
    config = render_nginx(
        tmp_path / "nginx",
        tmp_path,
        public_port=free_port(),
        rasa_ports=[free_port(), free_port()],
        actions_port=free_port(),
        action_ports=[free_port()],
        action_timeout=2,
    )
    nginx = shutil.which("nginx", path="/usr/sbin:/usr/bin") or "nginx"
    checked = subprocess.run(
        [nginx, "-t", "-q", "-p", str(config.parent), "-c", str(config)],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr
