"""The configuration `make run` uses is what Rasa can load: the end-to-end tests write their own
endpoints file (free ports, temporary stores), so the shipped one is checked here."""

from __future__ import annotations

from urllib.parse import urlsplit

from rasa.core.run import create_http_input_channels
from rasa.utils.endpoints import read_endpoint_config

from bot import PROJECT_ROOT


def test_action_endpoint_is_the_local_action_server() -> None:
    config = read_endpoint_config(str(PROJECT_ROOT / "endpoints.yml"), "action_endpoint")
    url = urlsplit(config.url)
    assert (url.scheme, url.hostname, url.port, url.path) == ("http", "localhost", 5055, "/webhook")


def test_tracker_store_is_a_local_sqlite_file() -> None:
    config = read_endpoint_config(str(PROJECT_ROOT / "endpoints.yml"), "tracker_store")
    assert config.kwargs["dialect"] == "sqlite"
    assert config.kwargs["db"] == "var/conversations.db"


def test_credentials_serve_rest_and_socketio() -> None:
    channels = create_http_input_channels(None, str(PROJECT_ROOT / "credentials.yml"))
    assert {channel.name() for channel in channels} == {"rest", "socketio"}
