"""Which language to answer in: English, Spanish, or neither ("other").

Most chat messages are 1-4 words, where off-the-shelf detectors guess wrong half of the time.
``detect`` combines a word list, character cues and restricted statistics; ``decide`` is the
conversation rule that keeps a language unless a message clearly asks for or shows another.

    from bot.language import decide, detect, explicit_request, normalize_language_tag, warm_up

Call ``warm_up()`` when the NLU component loads: models load lazily, once per process.
"""

from bot.language.conversation import START_CONFIDENCE, SWITCH_CONFIDENCE, decide
from bot.language.detector import Detection, SlotLanguage, detect, warm_up
from bot.language.requests import explicit_request, normalize_language_tag

__all__ = [
    "START_CONFIDENCE",
    "SWITCH_CONFIDENCE",
    "Detection",
    "SlotLanguage",
    "decide",
    "detect",
    "explicit_request",
    "normalize_language_tag",
    "warm_up",
]
