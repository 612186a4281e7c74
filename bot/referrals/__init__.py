"""Referrals (call-back requests) that are never lost: durable store, delivery worker, staff CLI.

The form (``bot.referrals.form``) uses: ``validate_*`` for answers, ``route`` to pick the site,
``create_referral(NewReferral(...))`` to store (returns the reference to tell the person). The
delivery worker is its own process, ``python -m bot referrals worker``. See docs/referrals.md.
"""

from bot.referrals.config import ReferralConfigError, Settings
from bot.referrals.delivery import deliver_due, run_worker
from bot.referrals.fields import KINDS, MAX_LENGTH, TOPICS, NewReferral
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
    validate_email,
    validate_name,
    validate_phone,
    validate_zip_or_area,
)

__all__ = [
    "DELIVERED",
    "FAILED",
    "KINDS",
    "MAX_LENGTH",
    "PENDING",
    "TOPICS",
    "InvalidReferral",
    "NewReferral",
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
    "normalize_reference",
    "purge_delivered",
    "requeue_failed",
    "route",
    "run_worker",
    "validate_email",
    "validate_name",
    "validate_phone",
    "validate_zip_or_area",
]
