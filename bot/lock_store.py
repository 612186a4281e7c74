"""Rasa's Redis lock store, with waiting messages that outlive a dead replica's lock.

Rasa keeps one ticket queue per conversation in Redis. Each ticket expires ``lock_lifetime``
seconds (``TICKET_LOCK_LIFETIME``) after it was *issued*, so when a replica dies while holding a
conversation's ticket, the next message's ticket, issued a moment later, expires with it and is
never served: that person's next message hung until the proxy gave up (a minute, measured by
``tests/test_prod.py``). Here a waiting message renews its own ticket each time it looks at the
queue, so only the tickets of processes that stopped looking (the dead ones) expire, and the
conversation continues on another replica as soon as the dead ticket's lifetime is over.

Configured in deploy/endpoints.prod.yml as
``lock_store: type: bot.lock_store.HeartbeatRedisLockStore`` with the usual RedisLockStore keys.
"""

from __future__ import annotations

import asyncio
import time

from rasa.core import lock_store
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig


class HeartbeatRedisLockStore(RedisLockStore):
    """RedisLockStore whose waiting tickets are renewed while their process waits."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    async def _acquire_lock(
        self, conversation_id: str, ticket: int, wait_time_in_seconds: float
    ) -> TicketLock:
        while True:
            lock = self.get_lock(conversation_id)
            if not lock:
                break
            if not lock.is_locked(ticket):
                return lock
            await asyncio.sleep(wait_time_in_seconds)
            if not self._renew_waiting_ticket(conversation_id, ticket):
                break
        raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")

    def _renew_waiting_ticket(self, conversation_id: str, ticket: int) -> bool:
        """Drop expired tickets and push this one's expiry forward; False if it is gone (this
        process stalled longer than a ticket's lifetime), so the message fails instead of
        waiting for ever."""
        lock = self.get_lock(conversation_id)
        if not lock:
            return False
        lock.remove_expired_tickets()
        own = next((t for t in lock.tickets if t.number == ticket), None)
        if own is None:
            return False
        own.expires = time.time() + lock_store.LOCK_LIFETIME
        self.save_lock(lock)
        return True
