"""Acknowledging a write only once replicas have it (Redis WAIT), so a failover loses no 2xx.

Called right after a commit (the unit of work's, the consumer's): with BAPAS_REDIS_MIN_REPLICAS=N
(0 = off, the default), it waits up to BAPAS_REDIS_WAIT_TIMEOUT_MS for N replicas to confirm. WAIT
counts the writes made on its own connection, and a pool hands out any connection; so the WAIT is
sent behind a tiny write of its own on one connection: the replication stream is ordered, and a
replica that has the probe has every write committed before it, this request's included.
"""
import logging
from dataclasses import dataclass

from shared.errors import Unavailable

log = logging.getLogger(__name__)

PROBE_KEY = "replication:probe"


@dataclass(frozen=True)
class Policy:
    min_replicas: int = 0
    timeout_ms: int = 1000


class NotReplicated(Unavailable):
    slug, title = "not-replicated", "Write not confirmed by a replica"

    def __init__(self, acknowledged: int, policy: Policy):
        super().__init__(
            f"the change was committed on the primary but only {acknowledged} of {policy.min_replicas} "
            f"replica(s) confirmed it within {policy.timeout_ms} ms, so it may not survive a failover: it may "
            "exist; send the same request again with the same Idempotency-Key, or read the record first")
        self.acknowledged = acknowledged


def require(client, policy: Policy):
    """Mark `client` as needing `policy` after each commit (redis_tx.connect does it for every client)."""
    client.replication = policy
    return client


def confirm(client) -> None:
    """Return once the required replicas have every write made so far; raise NotReplicated otherwise."""
    policy = getattr(client, "replication", None)
    if policy is None or policy.min_replicas <= 0:
        return
    with client.pipeline(transaction=False) as pipe:
        pipe.incr(PROBE_KEY)
        pipe.wait(policy.min_replicas, policy.timeout_ms)
        _, acknowledged = pipe.execute()
    if acknowledged < policy.min_replicas:
        log.warning("redis replication: WAIT timed out, %d of %d replica(s) after %d ms", acknowledged,
                    policy.min_replicas, policy.timeout_ms)
        raise NotReplicated(acknowledged, policy)
