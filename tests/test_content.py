"""The one content reader: files are read once, and ``clear_caches()`` makes an edit visible."""

from __future__ import annotations

from pathlib import Path

from bot import content, texts
from bot.directory import load_directory
from bot.knowledge import knowledge


def test_a_file_is_read_once_until_the_caches_are_cleared(tmp_path: Path) -> None:
    path = tmp_path / "facts.yml"
    path.write_text("answer: 1\n", encoding="utf-8")
    assert content.read(path) == {"answer": 1}
    path.write_text("answer: 2\n", encoding="utf-8")
    assert content.read(path) == {"answer": 1}
    content.clear_caches()
    assert content.read(path) == {"answer": 2}


def test_word_lists_keep_yes_and_no_as_words(tmp_path: Path) -> None:
    path = tmp_path / "words.yml"
    path.write_text("en: [no, yes, on]\n", encoding="utf-8")
    assert content.read(path, strings=True) == {"en": ["no", "yes", "on"]}
    assert content.read(path) == {"en": [False, True, True]}


def test_clearing_the_caches_rebuilds_what_was_made_from_content() -> None:
    directory, before = load_directory(), (knowledge(), texts.catalog("es"))
    content.clear_caches()
    assert load_directory() is not directory and load_directory().sites == directory.sites
    after = (knowledge(), texts.catalog("es"))
    assert all(new is not old and new == old for new, old in zip(after, before, strict=True))


def test_every_named_content_file_exists() -> None:
    named = [value for name, value in vars(content).items() if name.isupper()]
    paths = [value for value in named if isinstance(value, Path)]
    assert len(paths) >= 9 and all(path.exists() for path in paths)
