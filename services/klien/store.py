"""klien's Redis: client records and their guidance view (walking skeleton)."""
import json

from services.klien.schemas import ClientCreate as ClientCreateDump
from shared.errors import Conflict, NotFound
from shared.ids import new_id
from shared.redis_tx import transact


class ClientStore:
    def __init__(self, runtime):
        self.redis = runtime.redis
        self.outbox = runtime.outbox

    def register(self, fields: dict, ctx) -> dict:
        client = {**ClientCreateDump().dump(fields), "id": new_id(), "status": "active", "version": 1,
                  "created_at": ctx.at, "created_by": ctx.actor}
        index = "klien:idx:register_number"

        def work(pipe):
            if pipe.hexists(index, client["register_number"]):
                raise Conflict(f"register number {client['register_number']} is already registered")
            pipe.multi()
            pipe.set(f"klien:client:{client['id']}", json.dumps(client))
            pipe.hset(index, client["register_number"], client["id"])
            self.outbox.stage(pipe, type="klien.client.registered", subject=client["id"], sequence=1,
                              data=_event_data(client), correlation_id=ctx.correlation_id)
            return client

        return transact(self.redis, work, index)

    def get(self, client_id: str) -> dict:
        raw = self.redis.get(f"klien:client:{client_id}")
        if raw is None:
            raise NotFound(f"no client with id {client_id}")
        client = json.loads(raw)
        client["guidance"] = self.guidance(client_id)
        return client

    def guidance(self, client_id: str) -> dict:
        entries = [json.loads(v) for v in self.redis.hgetall(f"klien:guidance:{client_id}").values()]
        return {
            "active_enrollments": sum(e["status"] == "enrolled" for e in entries),
            "completed_programs": sum(e["status"] == "completed" for e in entries),
            "sessions_attended": sum(e.get("sessions_attended", 0) for e in entries),
            "sessions_missed": sum(e.get("sessions_missed", 0) for e in entries),
            "enrollments": [{k: e[k] for k in ("enrollment_id", "program_id", "group_id", "status")}
                            for e in entries],
        }


def _event_data(client: dict) -> dict:
    return {k: client[k] for k in ("id", "register_number", "status", "supervision_type", "officer_id")}
