"""Idempotency-Key: a write sent again with the same key is applied once and answered as the first time.

A repository for any service's unit of work (`UnitOfWork(..., idempotency=idempotency.repository("klien"))`):
the first answer is remembered in the same MULTI/EXEC as the write it answers, so a retry after a
lost response finds either nothing (the write did not happen: it is applied now) or that answer.
The same key with another payload is refused (422), never applied as a second write. Keys are
scoped by the caller (the token's sub) and the request's path, so two users cannot collide.
"""
import hashlib
import json
from functools import partial

from shared.errors import Invalid

HEADER = "Idempotency-Key"
TTL_SECONDS = 24 * 3600
MAX_LENGTH = 255


def checked_key(raw: str | None) -> str | None:
    """The header's value, or None when absent; 1 to 255 visible ASCII characters."""
    if raw is None:
        return None
    if not (0 < len(raw) <= MAX_LENGTH and raw.isascii() and raw.isprintable() and raw.strip() == raw):
        raise Invalid({HEADER: [f"use 1 to {MAX_LENGTH} visible ASCII characters (a UUID is a good key)"]})
    return raw


def fingerprint(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


class IdempotencyRepository:
    def __init__(self, tx, service: str):
        self.tx = tx
        self.service = service

    def slot(self, caller: str, path: str, key: str) -> str:
        digest = hashlib.sha256("\0".join((caller, path, key)).encode()).hexdigest()
        return f"{self.service}:idempotency:{digest}"

    def recall(self, slot: str, payload_fingerprint: str) -> dict | None:
        """The first answer given under this key (the slot is watched), or None if there was none."""
        first = self.tx.read(slot)
        if first is None:
            return None
        if first["fingerprint"] != payload_fingerprint:
            raise Invalid({HEADER: ["this key was already used for another request; send a new key"]})
        return first["answer"]

    def remember(self, slot: str, payload_fingerprint: str, answer: dict) -> None:
        """The answer to give a retry of this request, written when the transaction commits."""
        value = json.dumps({"fingerprint": payload_fingerprint, "answer": answer})
        self.tx.queue(lambda pipe: pipe.set(slot, value, ex=TTL_SECONDS))


def repository(service: str):
    """The factory a UnitOfWork takes: one IdempotencyRepository per transaction."""
    return partial(IdempotencyRepository, service=service)
