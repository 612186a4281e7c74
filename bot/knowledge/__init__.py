"""Program knowledge as data: facts with sources in ``content/knowledge``, answered in both
languages through the text catalog. Actions call ``answer(topic, language, detail, sector,
message)``, which returns a ``bot.replies.Reply`` carrying the sources of the facts it shows;
the topics are the intents the knowledge files answer (``knowledge().topics``)."""

from bot.knowledge.answers import answer
from bot.knowledge.store import KnowledgeError, knowledge
from bot.knowledge.words import resolve, resolve_sector

__all__ = ["KnowledgeError", "answer", "knowledge", "resolve", "resolve_sector"]
