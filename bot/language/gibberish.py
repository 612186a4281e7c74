"""Is a message made only of words no language list knows ("zxqv blorp", "jjjjj")?

The intent classifier answers every message with some intent, often confidently, even keyboard
mashing. A message none of whose words appear in our lexicon or in wordfreq's English, Spanish
or neighbouring-language lists (also with lost accented letters put back: "telfono") is better
answered with "could you say it another way?".
"""

from __future__ import annotations

from bot.language.lexicon import load as load_lexicon
from bot.language.text import clean, tokens
from bot.language.wordlists import dropped_letter_frequencies, word_frequencies

MIN_LETTERS = 3


def is_gibberish(text: str) -> bool:
    """True when the message has words and none of them is a known word, short reply or name."""
    words = [token for token in tokens(clean(text)) if any(ch.isalpha() for ch in token.bare)]
    if not words or sum(len(token.bare) for token in words) < MIN_LETTERS:
        return False
    lexicon = load_lexicon()
    return not any(
        lexicon.lookup(token.lower, token.bare)
        or lexicon.is_neutral(token.lower, token.bare)
        or lexicon.is_short_reply(token.lower, token.bare)
        or word_frequencies(token.bare) is not None
        or dropped_letter_frequencies(token.bare) is not None
        for token in words
    )
