"""Shared fixtures: one real assistant (both servers) for all end-to-end tests of a run."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devtools.servers import Assistant, running_assistant


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with running_assistant(tmp_path_factory.mktemp("assistant")) as running:
        yield running
