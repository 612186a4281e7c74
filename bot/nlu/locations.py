"""Recognise ZIP codes and place names (neighborhoods, suburbs) in both languages.

Place names come from the directory data, not from the NLU files, so adding a place is a data
edit. Matching uses spaCy's PhraseMatcher over accent- and case-folded text; the patterns are
built when the model is loaded, which is why new places need no retraining.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import spacy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from spacy.matcher import PhraseMatcher
from spacy.tokens import Span

from bot.directory import load_directory
from bot.nlu.component import MessageRule
from bot.textnorm import fold

ZIP_PATTERN = re.compile(r"(?<!\d)(\d{5})(?:-\d{4})?(?!\d)")
LOCATION_ENTITIES = ("zip", "place")


class PlaceMatcher:
    """PhraseMatcher over every place name and alias the directory knows.

    Names of organisations and events that contain a place ("Hospitality Hires Chicago") are
    matched too, as non-places: the longest match wins, so the place inside them is not tagged.
    """

    def __init__(self, names: list[str], not_places: Sequence[str] = ()) -> None:
        self._nlp = spacy.blank("xx")
        self._matcher = PhraseMatcher(self._nlp.vocab, attr="LOWER")
        self._matcher.add("place", [self._nlp.make_doc(fold(name)) for name in names])
        self._matcher.add("not_place", [self._nlp.make_doc(fold(n)) for n in not_places])

    def spans(self, text: str) -> list[Span]:
        """Non-overlapping place and not-place spans, longest first where they overlap."""
        doc = self._nlp.make_doc(fold(text))
        found = [Span(doc, start, end, label=label) for label, start, end in self._matcher(doc)]
        return spacy.util.filter_spans(found)

    def find(self, text: str) -> list[tuple[int, int]]:
        """Character spans of place names in ``text``."""
        return [(s.start_char, s.end_char) for s in self.spans(text) if s.label_ == "place"]

    def not_places(self, text: str) -> list[tuple[int, int]]:
        """Character spans of organisation and event names that merely contain a place."""
        return [(s.start_char, s.end_char) for s in self.spans(text) if s.label_ == "not_place"]


def find_locations(text: str, matcher: PlaceMatcher) -> list[dict[str, Any]]:
    """ZIP and place entities in ``text`` as Rasa entity dicts (value is the text as typed)."""
    found = [
        {"entity": "zip", "start": m.start(1), "end": m.end(1), "value": m.group(1)}
        for m in ZIP_PATTERN.finditer(text)
    ]
    found += [
        {"entity": "place", "start": start, "end": end, "value": text[start:end]}
        for start, end in matcher.find(text)
    ]
    return found


def _overlaps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LocationExtractor(MessageRule, EntityExtractorMixin):
    """Deterministic ZIP and place entities; they replace overlapping guesses from DIET."""

    def __init__(self, matcher: PlaceMatcher) -> None:
        self._matcher = matcher

    @classmethod
    def build(cls) -> LocationExtractor:
        directory = load_directory()
        names = [name for name, _ in directory.gazetteer()]
        return cls(PlaceMatcher(names, directory.not_place_names()))

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            ours = self.add_extractor_name(find_locations(text, self._matcher))
            names = [{"start": start, "end": end} for start, end in self._matcher.not_places(text)]
            # The classifier's own location spans stay only where the gazetteer found none in
            # the message: beside an exact match they are noise ("la" of "donde queda la
            # oficina en la villita"), and an unknown place still reaches the "did you mean".
            kept = [
                entity
                for entity in message.get(ENTITIES, [])
                if entity.get("entity") not in LOCATION_ENTITIES
                or not (ours or any(_overlaps(entity, other) for other in names))
            ]
            message.set(ENTITIES, kept + ours, add_to_output=True)
        return messages
