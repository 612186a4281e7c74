"""Candidate pipelines for `make eval`: config.yml with the few edits a candidate file names.

Each benchmarks/configs/<name>.yml lists only what it changes, so every candidate is the
assistant people use (our bot.nlu components included) except for the thing compared, and a
change to config.yml reaches every candidate. An edit names one step of config.yml's pipeline
by some of its keys (``step``) and either sets parameters on it (``set``), removes it
(``remove: true``) or puts new steps before it (``insert_before``):

    edits:
      - step: {name: CountVectorsFeaturizer, analyzer: char_wb}
        remove: true
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from bot import PROJECT_ROOT

BASE = PROJECT_ROOT / "config.yml"
CANDIDATES = sorted((Path(__file__).resolve().parent / "configs").glob("*.yml"))


def _index(pipeline: list[dict[str, Any]], step: dict[str, Any]) -> int:
    """The one pipeline step matching ``step``: an edit that matches none or several is an error,
    so a change to config.yml cannot silently turn a candidate into a copy of it."""
    found = [i for i, s in enumerate(pipeline) if all(s.get(k) == v for k, v in step.items())]
    if len(found) != 1:
        raise ValueError(f"{step} matches {len(found)} steps of {BASE.name}, not one")
    return found[0]


def derive(base: dict[str, Any], edits: list[dict[str, Any]]) -> dict[str, Any]:
    """``base`` (a parsed config) with ``edits`` applied in order."""
    config = copy.deepcopy(base)
    pipeline = config["pipeline"]
    for edit in edits:
        index = _index(pipeline, edit["step"])
        if edit.get("remove"):
            del pipeline[index]
        elif "insert_before" in edit:
            pipeline[index:index] = copy.deepcopy(edit["insert_before"])
        else:
            pipeline[index].update(edit["set"])
    return config


def write_candidate(candidate: Path, workdir: Path) -> Path:
    """Write the full config of ``candidate`` (a benchmarks/configs file) into ``workdir``."""
    base = yaml.safe_load(BASE.read_text(encoding="utf-8"))
    edits = yaml.safe_load(candidate.read_text(encoding="utf-8"))["edits"]
    path = workdir / f"config-{candidate.stem}.yml"
    path.write_text(yaml.safe_dump(derive(base, edits), sort_keys=False), encoding="utf-8")
    return path
