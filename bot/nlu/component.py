"""The base of our NLU components that train nothing and keep no state between messages.

Rasa builds a graph component through ``create(config, model_storage, resource, context)``;
ours need none of those, only what ``build()`` loads (the place gazetteer, the language word
lists). They run over every message in ``process``, after the classifier.
"""

from __future__ import annotations

from typing import Any, TypeVar

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

Component = TypeVar("Component", bound="MessageRule")


class MessageRule(GraphComponent):
    """A component built from the project's content, with nothing trained or stored."""

    @classmethod
    def build(cls: type[Component]) -> Component:
        """The component, with whatever it loads once per process."""
        return cls()

    @classmethod
    def create(
        cls: type[Component],
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Component:
        return cls.build()
