"""Intent decisions that our NLU components make over the classifier's."""

from __future__ import annotations

from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

# Button payloads ("/find_ajc") carry their intent; components leave them alone.
BUTTON_PAYLOAD_PREFIX = "/"


def set_intent(message: Message, name: str) -> None:
    """Replace the classifier's intent with a decision of a component."""
    intent = {"name": name, "confidence": 1.0}
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
