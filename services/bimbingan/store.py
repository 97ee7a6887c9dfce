"""bimbingan's Redis: enrollments and the client replica (walking skeleton)."""
import json

from shared.errors import Conflict, Invalid, NotFound
from shared.ids import new_id
from shared.redis_tx import transact


class EnrollmentStore:
    def __init__(self, runtime, freshness):
        self.redis = runtime.redis
        self.outbox = runtime.outbox
        self.freshness = freshness

    def client_status(self, client_id: str) -> str | None:
        raw = self.redis.get(f"bimbingan:replica:client:{client_id}")
        return json.loads(raw)["status"] if raw else None

    def enroll(self, body: dict, ctx) -> dict:
        client_id, program_id = str(body["client_id"]), str(body["program_id"])
        if self.client_status(client_id) is None:
            self.freshness.catch_up("klien")
        replica_key = f"bimbingan:replica:client:{client_id}"
        enrollment = {"id": new_id(), "client_id": client_id, "program_id": program_id, "group_id": None,
                      "status": "enrolled", "version": 1, "created_at": ctx.at, "created_by": ctx.actor}

        def work(pipe):
            raw = pipe.get(replica_key)
            if raw is None:
                raise Invalid({"client_id": [f"no client with id {client_id}"]})
            if json.loads(raw)["status"] != "active":
                raise Conflict(f"client {client_id} is not active")
            pipe.multi()
            pipe.set(f"bimbingan:enrollment:{enrollment['id']}", json.dumps(enrollment))
            self.outbox.stage(pipe, type="bimbingan.enrollment.created", subject=enrollment["id"], sequence=1,
                              data=_event_data(enrollment), correlation_id=ctx.correlation_id)
            return enrollment

        return transact(self.redis, work, replica_key)

    def get(self, enrollment_id: str) -> dict:
        raw = self.redis.get(f"bimbingan:enrollment:{enrollment_id}")
        if raw is None:
            raise NotFound(f"no enrollment with id {enrollment_id}")
        return json.loads(raw)


def _event_data(enrollment: dict) -> dict:
    return {"id": enrollment["id"], "client_id": enrollment["client_id"], "program_id": enrollment["program_id"],
            "group_id": enrollment["group_id"], "status": enrollment["status"], "sessions_attended": 0,
            "sessions_missed": 0}
