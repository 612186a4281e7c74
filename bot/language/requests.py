"""What the user or the website says outright about the language, before any guessing.

"en español", "english please", "¿habla español?", "no hablo inglés": a person who asks for a
language gets it, whatever their message looks like. A question about English classes is not
such a request ("clases de inglés", "quiero aprender inglés").
"""

from __future__ import annotations

import re

from bot.textnorm import strip_accents
from bot.texts import Language

_LANGUAGE_NAMES: dict[Language, tuple[str, ...]] = {
    "es": ("spanish", "espanol", "espaniol", "espanish", "castellano", "espanhol", "spanich"),
    "en": ("english", "ingles", "englis", "inglis", "engles", "inglich", "englsh"),
}
_NAME_TO_CODE: dict[str, Language] = {
    name: code for code, names in _LANGUAGE_NAMES.items() for name in names
}
_LANG = "(?P<lang>" + "|".join(sorted(_NAME_TO_CODE, key=len, reverse=True)) + ")"
_OPPOSITE: dict[str, Language] = {"en": "es", "es": "en"}

_POLITE = (
    r"please|pls|plz|por favor|porfa|porfavor|plis|xfa|thanks|thank you|gracias|language|idioma"
    r"|only|solamente|solo|mejor|better|ok|okay|si|yes|por fa"
)
_ALONE = (
    re.compile(rf"^(?:(?:in|en|a|al|to|el)\s)?{_LANG}(?:\s(?:{_POLITE}))*$"),
    re.compile(rf"^(?:(?:{_POLITE})\s)+(?:(?:in|en|a|al|to)\s)?{_LANG}$"),
)
_VERBS = (
    r"speak|speaks|talk|write|respond|reply|answer|chat|text|continue|switch|change|translate"
    r"|cambiar|cambia|cambie|cambiemos|cambialo|pasar|pasa|pasame|hablar|habla|hablas|hablan|hable"
    r"|hablame|hableme|hablo|hablamos|escribir|escribe|escriba|escribeme|escribame|responde"
    r"|responda|respondeme|contesta|conteste|contestame|seguir|sigamos|continuar|traducir|traduce"
    r"|prefer|prefiero|preferiria|quiero|want|can|could|puede|puedes|podemos|podria|do you"
    r"|say|repeat|tell|put|dime|dimelo|decir|decirlo|repite|repitelo|repetir|ponlo|pon"
)
_VERB_REQUEST = re.compile(rf"\b(?:{_VERBS})\b(?:\s\S+){{0,4}}?\s{_LANG}\b")
_NEGATION = re.compile(
    r"\b(?:no|not|dont|cant|cannot|doesnt|nobody|nadie)\s"
    r"(?:(?:speak|understand|read|write|hablo|entiendo|se|habla|hablamos|entendemos|leo|escribo"
    r"|mucho|much|very|well|bien|good|muy|tanto|in|en|i|yo)\s){0,3}"
    rf"{_LANG}\b"
)
# "hablo poco inglés", "I speak very little Spanish": the person asks for the other language.
_LITTLE = re.compile(
    r"\b(?:speak|understand|read|hablo|entiendo|leo|se)\s(?:(?:only|solo|muy|very|un|a)\s){0,2}"
    rf"(?:poco|poquito|little|bit)\s(?:(?:de|of)\s)?{_LANG}\b"
)
# Messages about learning a language, or about what someone else speaks, ask for nothing.
_NOT_A_REQUEST_WORDS = """
class classes clase clases curso cursos course courses aprender aprendo learn learning estudiar
study studying esl lesson lessons leccion lecciones practicar practice mejorar improve teacher
maestro maestra profesor profesora tutor examen exam test nivel level certificado certificate
wife husband son daughter kids children esposa esposo hijo hija hijos mama papa mom dad he she
they ella ellos boss jefe jefa necesitan necesita requiere requieren require requires required
requirement requisito requisitos must
"""
_NOT_A_REQUEST = frozenset(_NOT_A_REQUEST_WORDS.split())
_MAX_REQUEST_WORDS = 8


def _sentences(text: str) -> list[str]:
    """Accentless lowercase sentences of words, apostrophes dropped ("don't" -> "dont")."""
    plain = strip_accents((text or "").casefold()).replace("'", "").replace("’", "")
    sentences = re.split(r"[.!?;\n¿¡]+", plain)
    cleaned = (" ".join(re.sub(r"[^\w\s]", " ", s).split()) for s in sentences)
    return [s for s in cleaned if s]


def explicit_request(text: str) -> Language | None:
    """The language the user asks for in so many words, else None."""
    for sentence in _sentences(text):
        words = sentence.split()
        if _NOT_A_REQUEST.intersection(words):
            continue
        if match := _NEGATION.search(sentence) or _LITTLE.search(sentence):
            return _OPPOSITE[_NAME_TO_CODE[match.group("lang")]]
        for pattern in _ALONE:
            if match := pattern.match(sentence):
                return _NAME_TO_CODE[match.group("lang")]
        if len(words) <= _MAX_REQUEST_WORDS and (match := _VERB_REQUEST.search(sentence)):
            return _NAME_TO_CODE[match.group("lang")]
    return None


_TAGS: dict[str, Language] = {
    "es": "es", "spa": "es", "spanish": "es", "espanol": "es", "castellano": "es",
    "en": "en", "eng": "en", "english": "en", "ingles": "en",
}  # fmt: skip
_METADATA_KEYS = ("language", "lang", "locale", "languageCode", "language_code")


def normalize_language_tag(tag: object) -> Language | None:
    """The website's language ("es-MX", "Spanish", {"language": "es"}...) as "en"/"es", or None."""
    if isinstance(tag, dict):
        for key in _METADATA_KEYS:
            if key in tag:
                return normalize_language_tag(tag[key])
        return None
    if not isinstance(tag, str):
        return None
    first = re.split(r"[,;\s]", strip_accents(tag.strip().casefold()), maxsplit=1)[0]
    primary = re.split(r"[-_]", first, maxsplit=1)[0]
    return _TAGS.get(primary)
