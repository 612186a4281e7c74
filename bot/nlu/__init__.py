"""Custom Rasa NLU components: the only part of ``bot`` that imports Rasa internals."""
