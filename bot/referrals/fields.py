"""What a referral is: its fields and their limits, declared once.

``NewReferral`` is the one value the form builds and ``store.create_referral`` checks. The
table's columns (schema.py), the store's length checks, the form's limits for free text, the
partner payload (delivery.py) and the staff export (cli.py) all read their field names and
lengths from here, so resizing a field is a one-line change that cannot drift.

Lengths count characters after whitespace is collapsed. Where the form and the store once
disagreed, the value kept is the one a person could already type: company 160 (the store's; the
form's 80 was borrowed from the preferred time), hiring need 300 (the form's, and what the
assistant tells the person, "up to 300 characters").
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from datetime import datetime
from typing import Any

KINDS = ("career_seeker", "employer")
TOPICS = ("job_search", "training", "immigration_help", "employer_services", "other")


def _field(max_length: int | None = None, *, required: bool = False, contact: bool = False) -> Any:
    """A referral field: ``contact`` marks personal data, shown to staff only on request."""
    metadata = {"max_length": max_length, "contact": contact}
    return field(metadata=metadata) if required else field(default=None, metadata=metadata)


@dataclass(frozen=True, kw_only=True)
class NewReferral:
    """A referral as the form hands it over, before any check; in the table's column order."""

    kind: str = _field(16, required=True)
    name: str = _field(80, required=True, contact=True)
    phone: str | None = _field(12, contact=True)
    email: str | None = _field(254, contact=True)
    zip_or_area: str | None = _field(80, contact=True)
    topic: str = _field(32, required=True)
    sector: str | None = _field(40)
    preferred_language: str = _field(2, required=True)
    preferred_time: str | None = _field(80, contact=True)
    company: str | None = _field(160, contact=True)
    hiring_need: str | None = _field(300, contact=True)
    consent_text_version: str = _field(32, required=True)
    consented_at: datetime = _field(required=True)
    routed_to: str = _field(64, required=True)
    routing_reason: str = _field(300, required=True)
    sender_id: str | None = _field(128, contact=True)


FIELDS = tuple(spec.name for spec in fields(NewReferral))
MAX_LENGTH: dict[str, int] = {
    spec.name: spec.metadata["max_length"]
    for spec in fields(NewReferral)
    if spec.metadata["max_length"] is not None
}
REQUIRED = tuple(spec.name for spec in fields(NewReferral) if spec.default is MISSING)
CONTACT_FIELDS = tuple(spec.name for spec in fields(NewReferral) if spec.metadata["contact"])
# How the partner payload groups the person's own details and an employer's.
PERSON_FIELDS = ("name", "phone", "email", "zip_or_area", "preferred_time")
EMPLOYER_FIELDS = ("company", "hiring_need")
