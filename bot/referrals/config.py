"""Referral settings, read from the environment so secrets never sit in the repository."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bot import PROJECT_ROOT

DEFAULT_DB_PATH = PROJECT_ROOT / "var" / "referrals.db"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
MIN_SECRET_LENGTH = 16


class ReferralConfigError(ValueError):
    """The delivery settings cannot work; the worker refuses to start rather than leak or spin."""


def _number(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError as error:
        raise ReferralConfigError(f"{name} must be a number of seconds") from error
    if value <= 0:
        raise ReferralConfigError(f"{name} must be greater than 0")
    return value


@dataclass(frozen=True)
class Settings:
    """Where referrals are kept and where the worker sends them.

    Times are seconds. ``lease_seconds`` must exceed ``timeout_seconds`` so that a worker still
    waiting for an answer never has its referral taken over by another worker.
    """

    db_url: str = f"sqlite:///{DEFAULT_DB_PATH}"
    endpoint: str | None = None
    secret: str | None = field(default=None, repr=False)
    timeout_seconds: float = 10.0
    lease_seconds: float = 120.0
    backoff_base_seconds: float = 30.0
    backoff_max_seconds: float = 3600.0
    poll_seconds: float = 30.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``AJC_REFERRALS_DB_URL``, ``AJC_REFERRAL_*`` (see docs/referrals.md)."""
        env = os.environ if environ is None else environ
        defaults = cls()
        return cls(
            db_url=env.get("AJC_REFERRALS_DB_URL", "").strip() or defaults.db_url,
            endpoint=env.get("AJC_REFERRAL_ENDPOINT", "").strip() or None,
            secret=env.get("AJC_REFERRAL_SECRET", "").strip() or None,
            timeout_seconds=_number(env, "AJC_REFERRAL_TIMEOUT", defaults.timeout_seconds),
            lease_seconds=_number(env, "AJC_REFERRAL_LEASE", defaults.lease_seconds),
            backoff_base_seconds=_number(
                env, "AJC_REFERRAL_BACKOFF_BASE", defaults.backoff_base_seconds
            ),
            backoff_max_seconds=_number(
                env, "AJC_REFERRAL_BACKOFF_MAX", defaults.backoff_max_seconds
            ),
            poll_seconds=_number(env, "AJC_REFERRAL_POLL", defaults.poll_seconds),
        )

    def check_delivery(self) -> None:
        """Refuse settings that would send personal data unsigned, in clear text, or twice."""
        if not self.endpoint:
            return
        parts = urlsplit(self.endpoint)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ReferralConfigError("AJC_REFERRAL_ENDPOINT must be an https:// URL")
        if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
            raise ReferralConfigError(
                "AJC_REFERRAL_ENDPOINT must use https:// (plain http only to this machine)"
            )
        if not self.secret or len(self.secret) < MIN_SECRET_LENGTH:
            raise ReferralConfigError(
                f"AJC_REFERRAL_SECRET must be set (at least {MIN_SECRET_LENGTH} characters)"
            )
        if self.lease_seconds <= self.timeout_seconds:
            raise ReferralConfigError("AJC_REFERRAL_LEASE must be longer than AJC_REFERRAL_TIMEOUT")
