"""Wajib lapor in Redis: each client's reporting record and check-ins, the worker's look-up index and
the attention index. A change, its check-in, its events and its index entries are one MULTI/EXEC,
WATCHing the reporting record and the client record it was decided on."""
import json
from datetime import date

from services.klien import attention, domain, reporting
from services.klien.reporting_schemas import CheckInCreate
from services.klien.store import guidance_key, record_key
from shared import clock
from shared.context import system_context
from shared.errors import Invalid, NotFound
from shared.http.versioning import check_version
from shared.idempotency import IdempotentWrites, fingerprint
from shared.ids import new_id
from shared.pagination import decode_cursor, encode_cursor, lex_page
from shared.redis_tx import transact

# The worker's index: client id -> ordinal of the first day its reporting may need marking.
LOOK = "klien:reporting:look"
_CHECK_IN = CheckInCreate()


def reporting_key(client_id: str) -> str:
    return f"klien:reporting:{client_id}"


def check_ins_key(client_id: str) -> str:
    """Hash: check-in id -> check-in."""
    return f"klien:check-ins:{client_id}"


def check_in_order_key(client_id: str) -> str:
    """Sorted set of "<date>|<recorded_at>|<id>": the check-ins in date order."""
    return f"klien:check-ins:order:{client_id}"


def guidance_flagged(pipe, client_id: str, entry: dict | None = None) -> bool:
    """Whether the guidance view (with `entry` written over its enrollment's) has an open flag."""
    pipe.watch(guidance_key(client_id))
    entries = {key: json.loads(value) for key, value in pipe.hgetall(guidance_key(client_id)).items()}
    if entry:
        entries[entry["enrollment_id"]] = entry
    return domain.guidance(list(entries.values()))["attention_required"] > 0


def reporting_flagged(pipe, client_id: str) -> bool:
    pipe.watch(reporting_key(client_id))
    raw = pipe.get(reporting_key(client_id))
    return raw is not None and json.loads(raw)["attention"] is not None


class ReportingStore:
    def __init__(self, runtime, grace_days: int, today=clock.today):
        self.redis = runtime.redis
        self.outbox = runtime.outbox
        self.grace_days = grace_days
        self.today = today
        self.idempotent = IdempotentWrites(runtime.service)

    def set_schedule(self, client_id: str, body: dict, expected: int | None, ctx) -> dict:
        def work(pipe):
            client, record = self._read(pipe, client_id)
            check_version(record["version"], expected)
            updated, events = reporting.set_schedule(record, client, body["frequency"], body["first_due"],
                                                     self.today(), ctx)
            pipe.multi()
            self._write(pipe, client, updated, events, ctx)
            return updated

        return self._view(client_id, self._transact(work, client_id), None, 50)

    def check_in(self, client_id: str, body: dict, idempotency_key: str | None, ctx) -> tuple[dict, bool]:
        """The check-in recorded and whether it is a replay of an earlier request with the same key."""
        fields = _CHECK_IN.dump(body)
        payload = fingerprint(fields)
        slot = idempotency_key and self.idempotent.slot(ctx.actor, f"/clients/{client_id}/check-ins", idempotency_key)

        def work(pipe):
            if slot and (first := self.idempotent.recall(pipe, slot, payload)) is not None:
                return first, True
            client, record = self._read(pipe, client_id)
            updated, recorded, events = reporting.check_in(record, client, {**fields, "id": new_id()}, self.today(),
                                                           self.grace_days, ctx)
            pipe.multi()
            pipe.hset(check_ins_key(client_id), recorded["id"], json.dumps(recorded))
            pipe.zadd(check_in_order_key(client_id), {f"{recorded['date']}|{ctx.at}|{recorded['id']}": 0})
            if slot:
                self.idempotent.remember(pipe, slot, payload, recorded)
            self._write(pipe, client, updated, events, ctx)
            return recorded, False

        return self._transact(work, client_id)

    def clear_attention(self, client_id: str, note: str, expected: int | None, ctx) -> dict:
        def work(pipe):
            client, record = self._read(pipe, client_id)
            check_version(record["version"], expected)
            updated, events = reporting.clear_attention(record, note, self.today(), ctx)
            flagged = guidance_flagged(pipe, client_id)
            pipe.multi()
            self._write(pipe, client, updated, events, ctx)
            attention.keep(pipe, client, flagged)
            return updated

        return self._view(client_id, self._transact(work, client_id), None, 50)

    def mark_missed_due(self, today: date | None = None) -> int:
        """The worker's task: mark the due dates whose grace has ended, for every client the look-up
        index says may have some. Returns the number of due dates marked missed by this call."""
        today = today or self.today()
        due = self.redis.zrangebyscore(LOOK, "-inf", today.toordinal())
        return sum(self._mark_missed(client_id, today) for client_id in due)

    def _mark_missed(self, client_id: str, today: date) -> int:
        ctx = system_context("klien", new_id())

        def work(pipe):
            pipe.watch(record_key(client_id), reporting_key(client_id))
            raw_client, raw_record = pipe.get(record_key(client_id)), pipe.get(reporting_key(client_id))
            if raw_client is None or raw_record is None:
                pipe.multi()
                pipe.zrem(LOOK, client_id)
                return 0
            client, record = json.loads(raw_client), json.loads(raw_record)
            updated, events = reporting.mark_missed(record, client, today, self.grace_days, ctx)
            pipe.multi()
            self._write(pipe, client, updated, events, ctx, today)
            return sum(isinstance(event, reporting.ReportingMissed) for event, _ in events)

        return self._transact(work, client_id)

    def _write(self, pipe, client: dict, record: dict, events: list, ctx, today: date | None = None) -> None:
        """Queue (in MULTI) the record, its events, its worker look-up entry and, when raised, its attention entry."""
        if events:
            pipe.set(reporting_key(client["id"]), json.dumps(record))
        for event, state in events:
            self.outbox.stage(pipe, type=event.type, subject=state["id"], sequence=state["version"],
                              data=reporting.event_data(state, client, event), correlation_id=ctx.correlation_id)
        look = reporting.next_look(record, client, today or self.today(), self.grace_days)
        if look is None:
            pipe.zrem(LOOK, client["id"])
        else:
            pipe.zadd(LOOK, {client["id"]: look.toordinal()})
        if record["attention"] is not None:
            attention.keep(pipe, client, True)

    def _read(self, pipe, client_id: str) -> tuple[dict, dict]:
        pipe.watch(record_key(client_id), reporting_key(client_id))
        raw_client, raw_record = pipe.get(record_key(client_id)), pipe.get(reporting_key(client_id))
        if raw_client is None:
            raise NotFound(f"no client with id {client_id}")
        record = json.loads(raw_record) if raw_record else reporting.empty(new_id(), client_id)
        return json.loads(raw_client), record

    def _transact(self, work, client_id: str):
        return transact(self.redis, work, record_key(client_id), reporting_key(client_id))

    # Reading

    def view(self, client_id: str, cursor: str | None, limit: int) -> dict:
        return self._view(client_id, None, cursor, limit)

    def _view(self, client_id: str, record: dict | None, cursor: str | None, limit: int) -> dict:
        raw_client = self.redis.get(record_key(client_id))
        if raw_client is None:
            raise NotFound(f"no client with id {client_id}")
        client = json.loads(raw_client)
        if record is None:
            raw = self.redis.get(reporting_key(client_id))
            record = json.loads(raw) if raw else reporting.empty(None, client_id)
        items, last = reporting.page(reporting.due_dates(record, client), _after(cursor), limit)
        return {**{k: record[k] for k in ("id", "client_id", "version", "first_due", "attention", "attention_log")},
                **reporting.summary(record, client), "grace_days": self.grace_days, "items": items,
                "next_cursor": encode_cursor(f"{last}|due") if last else None}

    def summary(self, client: dict) -> dict | None:
        """The reporting part of GET /clients/{id}; None while the client has no schedule nor check-in."""
        raw = self.redis.get(reporting_key(client["id"]))
        return reporting.summary(json.loads(raw), client) if raw else None

    def whole(self, client_id: str) -> dict:
        """Everything wajib lapor holds about a client (its record with notes, every check-in), for the export."""
        raw = self.redis.get(reporting_key(client_id))
        order = self.redis.zrange(check_in_order_key(client_id), 0, -1)
        raws = self.redis.hmget(check_ins_key(client_id), [m.rsplit("|", 1)[1] for m in order]) if order else []
        return {"record": json.loads(raw) if raw else None, "check_ins": [json.loads(r) for r in raws if r]}

    def check_ins(self, client_id: str, cursor: str | None, limit: int) -> dict:
        if not self.redis.exists(record_key(client_id)):
            raise NotFound(f"no client with id {client_id}")
        ids, next_cursor = lex_page(self.redis, check_in_order_key(client_id), cursor, limit)
        raws = self.redis.hmget(check_ins_key(client_id), ids) if ids else []
        return {"items": [json.loads(raw) for raw in raws if raw], "next_cursor": next_cursor}


def _after(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    day = decode_cursor(cursor).split("|")[0]
    try:
        return date.fromisoformat(day).isoformat()
    except ValueError:
        raise Invalid({"cursor": ["not a cursor of these due dates; use next_cursor from the previous page"]}) from None
