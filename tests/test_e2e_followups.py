"""Follow-ups, changes of language and short first messages over the REST webhook, with both
servers running: what a person reads when the message only makes sense in its conversation.

Messages are training sentences (or their accented spelling, which the tokenizer folds), so
the checks are about the conversation, not about how a model reads an odd sentence.
"""

from __future__ import annotations

import pytest

from devtools.servers import Assistant

pytestmark = pytest.mark.e2e


def texts(messages: list[dict]) -> str:
    return "\n".join(message.get("text", "") for message in messages)


@pytest.mark.parametrize("first", ["sí", "si por favor"])
def test_a_spanish_yes_as_first_message_is_answered_in_spanish(
    assistant: Assistant, first: str
) -> None:
    reply = texts(assistant.say(assistant.new_sender(), first))
    assert "¿En qué más le puedo ayudar?" in reply


def test_que_es_el_tps_as_first_message_is_answered_in_spanish(assistant: Assistant) -> None:
    reply = texts(assistant.say(assistant.new_sender(), "Qué es el TPS?"))
    assert "Estatus de Protección Temporal" in reply


def test_ok_as_first_message_sets_no_language(assistant: Assistant) -> None:
    sender = assistant.new_sender()
    assert "What else can I help you with?" in texts(assistant.say(sender, "ok"))
    reply = texts(assistant.say(sender, "oficina cerca del 60623"))
    assert "Los centros de empleo más cercanos a 60623" in reply


def test_their_hours_after_the_nearest_centers_are_about_those_centers(
    assistant: Assistant,
) -> None:
    sender = assistant.new_sender()
    listed = texts(assistant.say(sender, "nearest job center to 60623"))
    assert "Pilsen" in listed
    reply = texts(assistant.say(sender, "what are their hours"))
    assert "The job centers nearest to 60623" in reply and "Pilsen" in reply
    assert "Hours:" in reply


def test_y_el_telefono_after_the_nearest_centers_gives_their_phones(
    assistant: Assistant,
) -> None:
    sender = assistant.new_sender()
    listed = texts(assistant.say(sender, "oficina cerca del 60623"))
    assert "Pilsen" in listed
    reply = texts(assistant.say(sender, "gracias, y el telefono?"))
    assert "Los centros de empleo más cercanos a 60623" in reply and "Teléfono:" in reply


def test_their_phone_after_a_named_center_is_that_centers(assistant: Assistant) -> None:
    sender = assistant.new_sender()
    assert "Truman College" in texts(assistant.say(sender, "hours at the truman college ajc"))
    reply = texts(assistant.say(sender, "do they have a phone number"))
    assert "American Job Center at Truman College" in reply
    assert "ZIP code" not in reply


def test_say_that_in_spanish_repeats_the_centers_in_spanish(assistant: Assistant) -> None:
    sender = assistant.new_sender()
    assert "Pilsen" in texts(assistant.say(sender, "nearest job center to 60623"))
    reply = texts(assistant.say(sender, "say that in spanish"))
    assert "Claro, seguimos en español" in reply
    assert "Los centros de empleo más cercanos a 60623" in reply and "Pilsen" in reply


def test_repeat_it_in_english_repeats_the_tps_answer_in_english(assistant: Assistant) -> None:
    sender = assistant.new_sender()
    assert "¡Hola!" in texts(assistant.say(sender, "hola"))
    assert "Estatus de Protección Temporal" in texts(assistant.say(sender, "que es el tps"))
    reply = texts(assistant.say(sender, "repeat it in english"))
    assert "let's continue in English" in reply
    assert "TPS (Temporary Protected Status)" in reply
