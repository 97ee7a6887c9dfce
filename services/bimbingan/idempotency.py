"""Idempotency-Key on POST /sessions/{id}/attendance (the contract; the offline register relies on it).

A batch sent again with the same key is applied once and answered as the first time, refusals
included; the same key with another batch is 422. A key is claimed before the batch is applied, so
two copies arriving together are applied once (the second is told to send again in a moment), and
kept KEY_TTL_SECONDS after its answer. Keys are per user and per session.
"""
import hashlib
import json
import re

from shared.errors import BapasError, Conflict, Invalid

KEY_TTL_SECONDS = 24 * 3600
KEY = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
HEADER = "Idempotency-Key"


class Replayed(BapasError):
    """The refusal kept with a key, answered again as it was."""

    def __init__(self, status: int, slug: str, title: str, detail: str, errors: dict | None):
        super().__init__(detail, errors)
        self.status, self.slug, self.title = status, slug, title


def slot(scope: str, key: str) -> str:
    return f"bimbingan:idempotency:{hashlib.sha256(f'{scope}|{key}'.encode()).hexdigest()}"


class Replies:
    def __init__(self, redis, ttl_seconds: int = KEY_TTL_SECONDS):
        self.redis, self.ttl = redis, ttl_seconds

    def once(self, key: str | None, scope: str, payload: dict, apply):
        """`apply()` once per (scope, key, payload); without a key, every call applies."""
        if key is None:
            return apply()
        if not KEY.match(key):
            raise Invalid({HEADER: ["8 to 128 letters, digits and . _ : -"]})
        where, digest = slot(scope, key), _digest(payload)
        if not self.redis.set(where, json.dumps({"digest": digest, "state": "applying"}), nx=True, ex=self.ttl):
            return self._replay(where, digest)
        try:
            answer = apply()
        except BapasError as refusal:
            if refusal.status >= 500:
                self.redis.delete(where)
            else:
                self._keep(where, digest, {"refused": [refusal.status, refusal.slug, refusal.title, refusal.detail,
                                                       refusal.errors]})
            raise
        except Exception:
            self.redis.delete(where)
            raise
        self._keep(where, digest, {"answer": answer})
        return answer

    def _keep(self, where: str, digest: str, outcome: dict) -> None:
        self.redis.set(where, json.dumps({"digest": digest, "state": "done", **outcome}, default=str), ex=self.ttl)

    def _replay(self, where: str, digest: str):
        kept = json.loads(self.redis.get(where) or "null")
        if kept is None or kept["state"] == "applying":
            raise Conflict("a batch with this Idempotency-Key is being applied; send it again in a moment")
        if kept["digest"] != digest:
            raise Invalid({HEADER: ["this key was used for another batch; use a new key for a new batch"]})
        if "refused" in kept:
            raise Replayed(*kept["refused"])
        return kept["answer"]


def _digest(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
