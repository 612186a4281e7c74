"""Program knowledge as data: facts with sources in ``content/knowledge``, answered in both
languages through the text catalog. Actions call ``answer(topic, language, detail, sector)``."""

from bot.knowledge.answers import TOPICS, Answer, answer, payload
from bot.knowledge.sectors import resolve_sector
from bot.knowledge.store import KnowledgeError, knowledge

__all__ = ["TOPICS", "Answer", "KnowledgeError", "answer", "knowledge", "payload", "resolve_sector"]
