"""Rasa custom actions: thin adapters that read slots, call ``bot`` and dispatch its replies."""
