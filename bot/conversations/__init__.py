"""The stored conversations: Rasa's SQL ``events`` table and this project's bookkeeping beside it.

- ``store``: the tables, where the database is (one rule for every reader), opening it.
- ``retention``: deleting old conversations, masking rows kept unmasked while a form ran.
- ``opt_outs``: SMS / WhatsApp senders who sent STOP.
- ``cli``: ``python -m bot conversations purge|mask``.

Plain SQLAlchemy, so the staff commands and the report need not load Rasa; the tracker store
(``bot.tracker_store``) is the Rasa side.
"""
