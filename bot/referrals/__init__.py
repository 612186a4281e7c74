"""Referrals (call-back requests) that are never lost: durable store, delivery worker, staff CLI.

The form actions use: ``validate_*`` for slots, ``route`` to pick the site, ``create_referral``
to store (returns the reference to tell the person), ``start_background_worker`` once at start.
See docs/referrals.md.
"""

from bot.privacy import mask_personal_data
from bot.referrals.config import ReferralConfigError, Settings
from bot.referrals.delivery import deliver_due, run_worker, start_background_worker
from bot.referrals.reference import normalize_reference
from bot.referrals.routing import Route, RoutingError, load_routing, route
from bot.referrals.schema import DELIVERED, FAILED, PENDING
from bot.referrals.store import (
    InvalidReferral,
    ReferralNotStored,
    create_referral,
    get_referral,
    list_referrals,
    purge_delivered,
    requeue_failed,
)
from bot.referrals.validation import (
    KINDS,
    LANGUAGES,
    TOPICS,
    validate_email,
    validate_name,
    validate_phone,
    validate_zip_or_area,
)

__all__ = [
    "DELIVERED",
    "FAILED",
    "KINDS",
    "LANGUAGES",
    "PENDING",
    "TOPICS",
    "InvalidReferral",
    "ReferralConfigError",
    "ReferralNotStored",
    "Route",
    "RoutingError",
    "Settings",
    "create_referral",
    "deliver_due",
    "get_referral",
    "list_referrals",
    "load_routing",
    "mask_personal_data",
    "normalize_reference",
    "purge_delivered",
    "requeue_failed",
    "route",
    "run_worker",
    "start_background_worker",
    "validate_email",
    "validate_name",
    "validate_phone",
    "validate_zip_or_area",
]
