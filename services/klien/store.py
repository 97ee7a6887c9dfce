"""klien's Redis: client records with their uniqueness maps, list and search indexes, history
and guidance view. A change, its indexes, its history entry and its event are one MULTI/EXEC."""
import json
from urllib.parse import quote

from services.klien import attention, domain
from services.klien.schemas import ClientCreate, StatusChange
from shared.errors import Conflict, Invalid, NotFound
from shared.http.versioning import check_version
from shared.ids import new_id
from shared.pagination import decode_cursor, encode_cursor
from shared.redis_tx import transact

# Dumping turns loaded dates back into the ISO strings records keep; instances are reused (stateless).
_CLIENT, _CORRECTION, _STATUS = ClientCreate(), ClientCreate(partial=True), StatusChange()

# One key per claimed value (not one hash for all), so a registration WATCHes only the values it
# claims and concurrent registrations of different clients never restart each other.


def register_slot(register_number: str) -> str:
    """casefolded register number -> client id"""
    return f"klien:unique:register_number:{quote(domain.register_key(register_number), safe='')}"


def nik_slot(nik: str) -> str:
    """NIK of an active client -> client id"""
    return f"klien:unique:active_nik:{nik}"


def record_key(client_id: str) -> str:
    return f"klien:client:{client_id}"


def history_key(client_id: str) -> str:
    return f"klien:history:{client_id}"


def guidance_key(client_id: str) -> str:
    return f"klien:guidance:{client_id}"


def index_key(name: str) -> str:
    return f"klien:idx:{name}"


class ClientStore:
    def __init__(self, runtime):
        self.redis = runtime.redis
        self.outbox = runtime.outbox

    def register(self, fields: dict, ctx) -> dict:
        client = domain.new_client(_CLIENT.dump(fields), new_id(), ctx)
        entry = domain.history_entry("registered", client, ctx, sorted(fields))

        def work(pipe):
            _claim(pipe, None, client)
            pipe.multi()
            self._write(pipe, None, client, "klien.client.registered", entry, ctx)
            return client

        return transact(self.redis, work)

    def correct(self, client_id: str, changes: dict, expected: int | None, ctx) -> dict:
        changes = _CORRECTION.dump(changes)

        def work(pipe):
            client = _read(pipe, client_id)
            check_version(client["version"], expected)
            updated, changed = domain.correct(client, changes, ctx)
            if not changed:
                return client
            _claim(pipe, client, updated)
            pipe.multi()
            entry = domain.history_entry("updated", updated, ctx, changed)
            self._write(pipe, client, updated, "klien.client.updated", entry, ctx)
            return updated

        return transact(self.redis, work, record_key(client_id))

    def change_status(self, client_id: str, body: dict, expected: int | None, ctx) -> dict:
        body = _STATUS.dump(body)

        def work(pipe):
            client = _read(pipe, client_id)
            check_version(client["version"], expected)
            updated = domain.change_status(client, body["status"], body["reason"], body["effective_date"], ctx)
            pipe.multi()
            entry = domain.history_entry("status_changed", updated, ctx, ["status"], previous_status=client["status"])
            self._write(pipe, client, updated, "klien.client.status_changed", entry, ctx)
            return updated

        return transact(self.redis, work, record_key(client_id))

    def _write(self, pipe, before: dict | None, after: dict, event_type: str, entry: dict, ctx) -> None:
        client_id = after["id"]
        pipe.set(record_key(client_id), json.dumps(after))
        _keep_unique(pipe, before, after)
        old, new = (domain.index_members(before) if before else set()), domain.index_members(after)
        for name, member in old - new:
            pipe.zrem(index_key(name), member)
        for name, member in new - old:
            pipe.zadd(index_key(name), {member: 0})
        if before:
            attention.rename(pipe, before, after)
        pipe.rpush(history_key(client_id), json.dumps(entry))
        self.outbox.stage(pipe, type=event_type, subject=client_id, sequence=after["version"],
                          data=domain.event_data(after), correlation_id=ctx.correlation_id)

    def get(self, client_id: str) -> dict:
        return {**_read(self.redis, client_id), "guidance": self.guidance(client_id)}

    def guidance(self, client_id: str) -> dict:
        return domain.guidance([json.loads(v) for v in self.redis.hvals(guidance_key(client_id))])

    def history(self, client_id: str, cursor: str | None, limit: int) -> tuple[list[dict], str | None]:
        _read(self.redis, client_id)
        start = _position(cursor) if cursor else 0
        entries = self.redis.lrange(history_key(client_id), start, start + limit)
        more = len(entries) > limit
        return [json.loads(e) for e in entries[:limit]], (encode_cursor(f"{start + limit}|h") if more else None)

    def whole_history(self, client_id: str) -> list[dict]:
        return [json.loads(e) for e in self.redis.lrange(history_key(client_id), 0, -1)]


def _position(cursor: str) -> int:
    position = decode_cursor(cursor).split("|")[0]
    if not (position.isascii() and position.isdigit() and len(position) <= 9):
        raise Invalid({"cursor": ["not a cursor of this history; use next_cursor from the previous page"]})
    return int(position)


def _read(reader, client_id: str) -> dict:
    raw = reader.get(record_key(client_id))
    if raw is None:
        raise NotFound(f"no client with id {client_id}")
    return json.loads(raw)


def _claim(pipe, before: dict | None, after: dict) -> None:
    """Refuse a register number another client has, or the NIK of another active client.
    The slots read are WATCHed, so two requests claiming the same value cannot both win."""
    slots = {}
    if before is None or register_slot(after["register_number"]) != register_slot(before["register_number"]):
        slots["register"] = register_slot(after["register_number"])
    if after["status"] == domain.ACTIVE and (before is None or before["nik"] != after["nik"]):
        slots["nik"] = nik_slot(after["nik"])
    if not slots:
        return
    pipe.watch(*slots.values())
    owners = dict(zip(slots, pipe.mget(*slots.values())))
    if owners.get("register") not in (None, after["id"]):
        raise Conflict(f"register number {after['register_number']} is already registered "
                       f"(client {owners['register']})")
    if owners.get("nik") not in (None, after["id"]):
        raise Conflict(f"an active client (client {owners['nik']}) already has this NIK; "
                       "end that supervision or correct the NIK")


def _keep_unique(pipe, before: dict | None, after: dict) -> None:
    register = register_slot(after["register_number"])
    if before and register_slot(before["register_number"]) != register:
        pipe.delete(register_slot(before["register_number"]))
    pipe.set(register, after["id"])
    if before and before["status"] == domain.ACTIVE:
        pipe.delete(nik_slot(before["nik"]))
    if after["status"] == domain.ACTIVE:
        pipe.set(nik_slot(after["nik"]), after["id"])
