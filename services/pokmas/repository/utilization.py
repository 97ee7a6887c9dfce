"""The utilization view, kept from bimbingan's enrollment events: one entry per enrollment per program
(its newest status and client), and per group the clients its programs served."""
import json

from services.pokmas import keys


class UtilizationRepository:
    def __init__(self, tx):
        self.tx = tx
        self.redis = tx.pipe

    def entries(self, program_id: str) -> dict[str, dict]:
        """Enrollment id -> its entry (watched)."""
        self.tx.watch(keys.utilization(program_id))
        return {eid: json.loads(raw) for eid, raw in self.redis.hgetall(keys.utilization(program_id)).items()}

    def save(self, program_id: str, group_id: str, enrollment_id: str, entry: dict) -> None:
        def write(pipe):
            pipe.hset(keys.utilization(program_id), enrollment_id, json.dumps(entry))
            pipe.hset(keys.served(group_id), enrollment_id, entry["client_id"])

        self.tx.queue(write)
