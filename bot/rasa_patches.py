"""Patches to Rasa Core 3.6: hot-path fixes, installed by ``bot.nlu`` when Rasa loads our model.

They replace two methods of Rasa's own classes for the whole process. ``bot/nlu/__init__.py``
calls ``install()`` because Rasa imports that package in every process that loads our model,
so no configuration can forget them. Found by profiling one replica (docs/performance.md);
each keeps Rasa's behaviour and drops work that was repeated on every message:

- Rasa's ``RemoteAction._validate_action_result`` calls ``jsonschema.validate``, which checks
  the large events *schema* against the JSON Schema meta-schema before checking the answer:
  about 55 ms per action call, more than half of the server's time. The format never changes,
  so the schema is checked once and a compiled validator reused (same answers accepted, same
  errors raised).
- ``Event.resolve_by_type`` walks every Event subclass for each stored event it loads (about
  10% of a message). Found classes are remembered per type name.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import validators
from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event

_resolve_by_type = Event.resolve_by_type
_event_classes: dict[str, type[Event]] = {}


@cache
def action_response_validator() -> Validator:
    """The validator of action server answers, its schema checked once per process."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """Rasa's check of an action server answer, without re-checking the schema each time."""
    error = best_match(action_response_validator().iter_errors(result))
    if error is None:
        return True
    # As Rasa's own message, so logs read the same.
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from "
        f"the Action endpoint is valid. For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def resolve_event_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    """The Event class for a stored event's type name, as Rasa finds it, remembered."""
    found = _event_classes.get(type_name)
    if found is None:
        found = _resolve_by_type(type_name, default)
        if found is not None and found.type_name == type_name:
            _event_classes[type_name] = found
    return found


def install() -> None:
    """Replace the slow paths; idempotent."""
    RemoteAction._validate_action_result = validate_action_result
    Event.resolve_by_type = staticmethod(resolve_event_type)
