"""Wajib lapor's Redis: each client's reporting record, its check-ins, and the worker's look-up index
(client id -> the first day its due dates may need marking). Reads through the transaction
(watched), writes queued on it until it commits."""
import json
from datetime import date

from services.klien import keys
from shared.pagination import lex_page
from shared.records import load_many


class ReportingRepository:
    def __init__(self, tx):
        self.tx = tx
        self.redis = tx.pipe

    def get(self, client_id: str) -> dict | None:
        return self.tx.read(keys.reporting(client_id))

    def of_clients(self, client_ids: list[str]) -> dict[str, dict]:
        """The reporting records of these clients (one MGET, not watched: a list page reads them)."""
        found = load_many(self.redis, [keys.reporting(client_id) for client_id in client_ids])
        return {client_id: record for client_id, record in zip(client_ids, found) if record}

    def save(self, record: dict) -> None:
        value = json.dumps(record)
        self.tx.queue(lambda pipe: pipe.set(keys.reporting(record["client_id"]), value))

    def save_check_in(self, check_in: dict) -> None:
        client_id, value = check_in["client_id"], json.dumps(check_in)
        member = f"{check_in['date']}|{check_in['recorded_at']}|{check_in['id']}"

        def write(pipe):
            pipe.hset(keys.check_ins(client_id), check_in["id"], value)
            pipe.zadd(keys.check_in_order(client_id), {member: 0})

        self.tx.queue(write)

    def look_on(self, client_id: str, day: date | None) -> None:
        """When the worker should look at this client again; None: never (nothing can fall due)."""
        if day is None:
            self.tx.queue(lambda pipe: pipe.zrem(keys.REPORTING_LOOK, client_id))
        else:
            self.tx.queue(lambda pipe: pipe.zadd(keys.REPORTING_LOOK, {client_id: day.toordinal()}))

    def to_look_at(self, today: date) -> list[str]:
        """Ids of the clients whose look-up day has come."""
        return self.redis.zrangebyscore(keys.REPORTING_LOOK, "-inf", today.toordinal())

    def check_ins(self, client_id: str, cursor: str | None, limit: int) -> tuple[list[dict], str | None]:
        ids, next_cursor = lex_page(self.redis, keys.check_in_order(client_id), cursor, limit)
        raws = self.redis.hmget(keys.check_ins(client_id), ids) if ids else []
        return [json.loads(raw) for raw in raws if raw], next_cursor

    def all_check_ins(self, client_id: str) -> list[dict]:
        members = self.redis.zrange(keys.check_in_order(client_id), 0, -1)
        raws = self.redis.hmget(keys.check_ins(client_id), [m.rsplit("|", 1)[1] for m in members]) if members else []
        return [json.loads(raw) for raw in raws if raw]
