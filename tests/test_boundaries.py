"""The boundaries docs/architecture.md states, checked on the imports of every module.

`bot/` imports Rasa only where it plugs into Rasa's extension points, so the rest stays plain
Python that tests call directly; `actions/` adapts Rasa to `bot/` through rasa_sdk only.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot import PROJECT_ROOT

# Rasa's extension points: input channels, stores named in the endpoints files, NLU components,
# the hot-path patches, and the NLU evaluation that loads a trained model.
RASA_ADAPTERS = {
    "bot/evaluation.py",
    "bot/lock_store.py",
    "bot/rasa_patches.py",
    "bot/tracker_store.py",
}
RASA_ADAPTER_PACKAGES = ("bot/channels/", "bot/nlu/")


def imported_roots(path: Path) -> set[str]:
    """The top-level packages a module imports, wherever the import statement stands."""
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def modules(package: str) -> list[str]:
    return sorted(
        str(path.relative_to(PROJECT_ROOT)) for path in (PROJECT_ROOT / package).rglob("*.py")
    )


@pytest.mark.parametrize("module", modules("bot"))
def test_bot_imports_rasa_only_in_its_adapters(module: str) -> None:
    if module in RASA_ADAPTERS or module.startswith(RASA_ADAPTER_PACKAGES):
        return
    assert "rasa" not in imported_roots(PROJECT_ROOT / module), (
        f"{module} imports Rasa: move that part to an adapter, or add it to RASA_ADAPTERS here "
        "and to docs/architecture.md"
    )


@pytest.mark.parametrize("module", modules("bot"))
def test_bot_never_imports_the_actions_or_the_tests(module: str) -> None:
    assert not {"actions", "tests", "devtools"} & imported_roots(PROJECT_ROOT / module)


@pytest.mark.parametrize("module", modules("actions"))
def test_actions_adapt_rasa_sdk_to_bot_and_nothing_else_of_rasa(module: str) -> None:
    roots = imported_roots(PROJECT_ROOT / module)
    assert "rasa" not in roots, f"{module}: actions use rasa_sdk, not the Rasa server"
    assert not {"tests", "devtools"} & roots
