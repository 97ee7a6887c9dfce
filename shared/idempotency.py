"""Idempotency-Key, for every service: a write sent again with the same key is applied once and
answered as the first time, refusals included; the same key with another payload is 422.

`once` runs a use case's work in the unit of work with the key's slot read (and watched) first:
- nothing kept: the work runs, and its answer is kept in the same MULTI/EXEC as the write it
  answers, so a retry after a lost response finds either nothing (the write did not happen: it is
  applied now) or that answer, never half; two copies sent together are applied once (the slot is
  watched: the later copy's EXEC fails, it runs again and finds the first one's answer);
- an answer kept: it is given again (`replayed` True), nothing is applied;
- a refusal kept (a 4xx the use case raised the first time, e.g. a cancelled session's 409): it is
  raised again as it was (`Replayed`). A refusal is kept by a transaction of its own after the work
  wrote nothing, only if the slot is still empty;
- the key kept with another payload: 422 (`KeyReused`), nothing applied.
Keys are scoped by the caller (the token's sub) and what the request applies to, so two users
cannot collide, and kept TTL_SECONDS.

Slots and values are stored as the two services stored them before they shared this module
(klien: `klien:idempotency:<sha256 of caller\\0path\\0key>`, value with `fingerprint`; bimbingan:
`bimbingan:idempotency:<sha256 of sub|session|key>`, value with `digest` and `state`): a key given
before an upgrade is found after it, and a value written now is read by the code before it.
"""
import hashlib
import json
import re
from dataclasses import dataclass
from functools import partial

from shared.errors import BapasError, Conflict, Invalid

HEADER = "Idempotency-Key"
TTL_SECONDS = 24 * 3600


@dataclass(frozen=True)
class KeyRule:
    """What an endpoint documents a key to be (its OpenAPI pattern) and says when it is not."""
    pattern: str
    message: str

    def accepts(self, raw: str) -> bool:
        return re.fullmatch(self.pattern, raw) is not None


# 1 to 255 visible ASCII characters (klien's check-ins); 8 to 128 of a short alphabet (bimbingan's
# attendance batches, the offline register's keys). Each endpoint keeps the rule it documents.
VISIBLE_ASCII = KeyRule(r"[!-~](?:[ -~]{0,253}[!-~])?",
                        "use 1 to 255 visible ASCII characters (a UUID is a good key)")
TOKEN = KeyRule(r"^[A-Za-z0-9._:-]{8,128}$", "8 to 128 letters, digits and . _ : -")


class KeyReused(Invalid):
    """The key was kept with another payload: 422, and nothing is applied (nor kept)."""


class StillApplying(Conflict):
    """409: the slot says a copy is being applied (only the code before this module wrote that state)."""


class Replayed(BapasError):
    """The refusal kept with a key, answered again as it was."""

    def __init__(self, status: int, slug: str, title: str, detail: str, errors: dict | None):
        super().__init__(detail, errors)
        self.status, self.slug, self.title = status, slug, title


def checked_key(raw: str | None, rule: KeyRule = VISIBLE_ASCII) -> str | None:
    """The header's value, or None when absent; 422 when it is not what `rule` accepts."""
    if raw is None:
        return None
    if not rule.accepts(raw):
        raise Invalid({HEADER: [rule.message]})
    return raw


def fingerprint(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


class IdempotencyRepository:
    def __init__(self, tx, service: str, separator: str = "\0"):
        self.tx = tx
        self.service = service
        self.separator = separator

    def slot(self, *scope_and_key: str) -> str:
        """The key's slot: the caller, what the request applies to, and the key."""
        digest = hashlib.sha256(self.separator.join(scope_and_key).encode()).hexdigest()
        return f"{self.service}:idempotency:{digest}"

    def recall(self, slot: str, payload_fingerprint: str) -> dict | None:
        """The first answer given under this key (the slot is watched), or None if there was none; raises
        the refusal kept with it (Replayed), or KeyReused when it was kept with another payload."""
        first = self.tx.read(slot)
        if first is None:
            return None
        if first.get("fingerprint", first.get("digest")) != payload_fingerprint:
            raise KeyReused({HEADER: ["this key was already used for another request; send a new key"]})
        if first.get("state") == "applying":  # written by the code before this module (claim, then apply)
            raise StillApplying("a request with this Idempotency-Key is being applied; send it again in a moment")
        if "refused" in first:
            raise Replayed(*first["refused"])
        return first["answer"]

    def is_free(self, slot: str) -> bool:
        """Nothing is kept under this slot (watched)."""
        return self.tx.read(slot) is None

    def remember(self, slot: str, payload_fingerprint: str, answer: dict) -> None:
        """The answer to give a retry of this request, written when the transaction commits."""
        self._keep(slot, payload_fingerprint, {"answer": answer})

    def remember_refusal(self, slot: str, payload_fingerprint: str, refusal: BapasError) -> None:
        self._keep(slot, payload_fingerprint,
                   {"refused": [refusal.status, refusal.slug, refusal.title, refusal.detail, refusal.errors]})

    def _keep(self, slot: str, payload_fingerprint: str, outcome: dict) -> None:
        value = json.dumps({"fingerprint": payload_fingerprint, "digest": payload_fingerprint, "state": "done",
                            **outcome}, default=str)
        self.tx.queue(lambda pipe: pipe.set(slot, value, ex=TTL_SECONDS))


def repository(service: str, separator: str = "\0"):
    """The factory a UnitOfWork takes: one IdempotencyRepository per transaction."""
    return partial(IdempotencyRepository, service=service, separator=separator)


def once(uow, key: str | None, scope: tuple[str, ...], payload: dict, apply, *watch: str) -> tuple[dict, bool]:
    """`apply(tx)` (a unit of work's work: reads, then commits) once per (scope, key, payload); returns
    its answer and whether it is a replay. Without a key, every call applies. `watch`: as UnitOfWork.run."""
    if key is None:
        return uow.run(apply, *watch), False
    payload_fingerprint = fingerprint(payload)

    def work(tx):
        slot = tx.idempotency.slot(*scope, key)
        first = tx.idempotency.recall(slot, payload_fingerprint)
        if first is not None:
            return first, True
        answer = apply(tx)
        tx.idempotency.remember(slot, payload_fingerprint, answer)
        return answer, False

    try:
        return uow.run(work, *watch)
    except (KeyReused, Replayed, StillApplying):
        raise
    except BapasError as refusal:
        if refusal.status < 500:
            _keep_refusal(uow, scope, key, payload_fingerprint, refusal)
        raise


def _keep_refusal(uow, scope: tuple[str, ...], key: str, payload_fingerprint: str, refusal: BapasError) -> None:
    """Keep the refusal under the key, unless the slot was filled meanwhile (then that stays the answer)."""
    def keep(tx):
        slot = tx.idempotency.slot(*scope, key)
        if tx.idempotency.is_free(slot):
            tx.idempotency.remember_refusal(slot, payload_fingerprint, refusal)
            tx.commit()

    uow.run(keep)
