"""The AJC front-door assistant: everything that is not a Rasa adapter lives here."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = PROJECT_ROOT / "content"
