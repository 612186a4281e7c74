"""Program knowledge as data: facts with sources in ``content/knowledge``, answered in both
languages through the text catalog. Actions call ``answer(topic, language, detail, sector)``,
which returns a ``bot.replies.Reply`` carrying the sources of the facts it shows."""

from bot.knowledge.answers import TOPICS, answer
from bot.knowledge.sectors import resolve_sector
from bot.knowledge.store import KnowledgeError, knowledge

__all__ = ["TOPICS", "KnowledgeError", "answer", "knowledge", "resolve_sector"]
