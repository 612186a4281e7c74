"""Custom Rasa NLU components (tokenizer, location extractor, language tagger).

Importing this package also installs ``bot.rasa_patches`` (fixes to Rasa Core's hot path): Rasa
imports it whenever it loads our model (``rasa run``, ``rasa shell``, tests), so this is the one
place that runs in every Rasa process of ours. Modules elsewhere in ``bot`` that import Rasa are
the adapters: ``channels``, ``tracker_store``, ``lock_store``, ``evaluation`` and
``rasa_patches``. It also lets our NLU components see the conversation's language
(``conversation_context``).
"""

from bot import rasa_patches
from bot.nlu import conversation_context

rasa_patches.install()
conversation_context.install()
