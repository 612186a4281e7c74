"""Custom Rasa NLU components: the only part of ``bot`` that imports Rasa internals.

Rasa imports this package whenever it loads our model (``rasa run``, ``rasa shell``, tests),
which is where the hot-path fixes in ``speedups`` are installed.
"""

from bot.nlu import speedups

speedups.install()
