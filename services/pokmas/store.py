"""pokmas's Redis: groups (walking skeleton)."""
import json

from shared.errors import NotFound
from shared.ids import new_id
from shared.redis_tx import transact


class GroupStore:
    def __init__(self, runtime):
        self.redis = runtime.redis
        self.outbox = runtime.outbox

    def register(self, fields: dict, ctx) -> dict:
        group = {**fields, "id": new_id(), "version": 1, "created_at": ctx.at, "created_by": ctx.actor}

        def work(pipe):
            pipe.multi()
            pipe.set(f"pokmas:group:{group['id']}", json.dumps(group))
            self.outbox.stage(pipe, type="pokmas.group.registered", subject=group["id"], sequence=1,
                              data={k: group[k] for k in ("id", "legal_form", "bapas_office")},
                              correlation_id=ctx.correlation_id)
            return group

        return transact(self.redis, work)

    def get(self, group_id: str) -> dict:
        raw = self.redis.get(f"pokmas:group:{group_id}")
        if raw is None:
            raise NotFound(f"no group with id {group_id}")
        return json.loads(raw)
