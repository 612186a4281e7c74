"""Whitespace tokens with case and accents folded, so "código" and "codigo" are one feature.

People writing Spanish in a chat mostly leave accents out, and English keyboards cannot type
them; folding makes both spellings count as the same word. Folding keeps the text length
(``bot.textnorm.fold``), so token and entity offsets still point into the original text.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.textnorm import fold


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class FoldingWhitespaceTokenizer(WhitespaceTokenizer):
    """WhitespaceTokenizer whose token text and lemma are accent- and case-folded."""

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        tokens = super().tokenize(message, attribute)
        for token in tokens:
            token.text = fold(token.text)
            token.lemma = fold(token.lemma)
        return tokens
