"""bimbingan's Redis: enrollments, their indexes and open-enrollment sets; each change with its events."""
import json

from services.bimbingan import domain, keys
from shared import clock
from shared.errors import Conflict, Forbidden, Invalid, NotFound, Unavailable
from shared.http.versioning import check_version
from shared.ids import new_id
from shared.pagination import index_member, lex_page
from shared.redis_tx import transact


def load(reader, key: str) -> dict | None:
    raw = reader.get(key)
    return json.loads(raw) if raw else None


def check_group(record: dict, ctx) -> None:
    """A partner sees and touches only its own group's records."""
    if ctx.role == "partner" and record["group_id"] != ctx.group_id:
        raise Forbidden("this record belongs to another group")


PARTNER_HIDDEN = ("note", "withdrawal_note")


def visible(record: dict, ctx) -> dict:
    """A partner group does not see the PK's own notes on an enrollment."""
    if ctx.role != "partner":
        return record
    return {key: value for key, value in record.items() if key not in PARTNER_HIDDEN}


def page_of(redis, names: tuple, index, record_key, args: dict, ctx) -> dict:
    """One page of records from the index matching the query's filters (a partner's group always added)."""
    filters = {name: str(args[name]) for name in names if args.get(name) is not None}
    if ctx.role == "partner":
        filters["group_id"] = ctx.group_id
    ids, next_cursor = lex_page(redis, index(filters), args["cursor"], args["limit"])
    raws = redis.mget([record_key(i) for i in ids]) if ids else []
    return {"items": [visible(json.loads(raw), ctx) for raw in raws if raw], "next_cursor": next_cursor}


def save_enrollment(pipe, outbox, before: dict | None, after: dict, correlation_id: str, *events) -> None:
    """Queue (pipe in MULTI) the enrollment, its indexes, open sets and `events` [(type, extra data)]."""
    pipe.set(keys.enrollment(after["id"]), json.dumps(after))
    member = {index_member(after["created_at"], after["id"]): 0}
    old = set(keys.enrollment_indexes(before)) if before else set()
    new = set(keys.enrollment_indexes(after))
    for key in old - new:
        pipe.zrem(key, *member)
    for key in new - old:
        pipe.zadd(key, member)
    was_open = before is not None and before["status"] == domain.OPEN
    if after["status"] == domain.OPEN and not was_open:
        pipe.hset(keys.program_open(after["program_id"]), after["client_id"], after["id"])
        pipe.sadd(keys.client_open(after["client_id"]), after["id"])
    elif was_open and after["status"] != domain.OPEN:
        pipe.hdel(keys.program_open(after["program_id"]), after["client_id"])
        pipe.srem(keys.client_open(after["client_id"]), after["id"])
    for event_type, extra in events:
        outbox.stage(pipe, type=event_type, subject=after["id"], sequence=after["version"],
                     data={**domain.enrollment_event_data(after), **extra}, correlation_id=correlation_id)


class EnrollmentStore:
    def __init__(self, runtime, freshness):
        self.redis = runtime.redis
        self.outbox = runtime.outbox
        self.freshness = freshness

    def require_known(self, **ids) -> None:
        """422 naming each id its owner does not know, after catching up with the owner's feed."""
        owners = {"client_id": ("klien", keys.client), "program_id": ("pokmas", keys.program)}
        errors = {}
        for field, value in ids.items():
            source, key = owners[field]
            if not self.freshness.knows(source, lambda: bool(self.redis.exists(key(value)))):
                errors[field] = [f"{source} has no record with this id"]
        if errors:
            raise Invalid(errors)

    def decide_fresh(self, decide, *sources: str):
        """Run `decide`; if it refuses (409), the replicas may lag the owners (an agreement activated or a
        capacity grown a moment ago): catch up with their feeds and decide once more. An owner out of
        reach leaves the refusal as the replicas know it."""
        try:
            return decide()
        except Conflict as refusal:
            try:
                for source in sources:
                    self.freshness.catch_up(source)
            except Unavailable:
                raise refusal from None
            return decide()

    def enroll(self, body: dict, ctx) -> dict:
        client_id, program_id = str(body["client_id"]), str(body["program_id"])
        self.require_known(client_id=client_id, program_id=program_id)
        start_date = (body.get("start_date") or clock.today()).isoformat()
        enrollment_id, open_key = new_id(), keys.program_open(program_id)

        def work(pipe):
            client, program = load(pipe, keys.client(client_id)), load(pipe, keys.program(program_id))
            domain.check_can_enroll(client, program, pipe.hlen(open_key), pipe.hexists(open_key, client_id))
            enrollment = domain.new_enrollment(enrollment_id, client_id, program_id, program, start_date,
                                               body.get("note"), ctx)
            pipe.multi()
            save_enrollment(pipe, self.outbox, None, enrollment, ctx.correlation_id,
                            ("bimbingan.enrollment.created", {}))
            return enrollment

        watched = (keys.client(client_id), keys.program(program_id), open_key)
        return self.decide_fresh(lambda: transact(self.redis, work, *watched), "klien", "pokmas")

    def get(self, enrollment_id: str, ctx) -> dict:
        enrollment = load(self.redis, keys.enrollment(enrollment_id))
        if enrollment is None:
            raise NotFound(f"no enrollment with id {enrollment_id}")
        check_group(enrollment, ctx)
        marks = [json.loads(v) for v in self.redis.hgetall(keys.enrollment_marks(enrollment_id)).values()]
        return {**visible(enrollment, ctx), "attendance": sorted(marks, key=lambda m: (m["starts_at"], m["session_id"]))}

    def page(self, args: dict, ctx) -> dict:
        return page_of(self.redis, keys.ENROLLMENT_FILTERS, keys.enrollment_index, keys.enrollment, args, ctx)

    def complete(self, enrollment_id: str, body: dict, expected: int | None, ctx) -> dict:
        return self._change(enrollment_id, expected, ctx, "bimbingan.enrollment.completed",
                            lambda e: domain.complete(e, body["outcome"], body["summary"], _today(), ctx))

    def withdraw(self, enrollment_id: str, body: dict, expected: int | None, ctx) -> dict:
        return self._change(enrollment_id, expected, ctx, "bimbingan.enrollment.withdrawn",
                            lambda e: domain.withdraw(e, body["reason_code"], body.get("note"), _today(), ctx))

    def _change(self, enrollment_id: str, expected: int | None, ctx, event_type: str, change) -> dict:
        key = keys.enrollment(enrollment_id)

        def work(pipe):
            before = load(pipe, key)
            if before is None:
                raise NotFound(f"no enrollment with id {enrollment_id}")
            check_group(before, ctx)
            check_version(before["version"], expected)
            after = change(before)
            pipe.multi()
            save_enrollment(pipe, self.outbox, before, after, ctx.correlation_id, (event_type, {}))
            return after

        return transact(self.redis, work, key)


def _today() -> str:
    return clock.today().isoformat()
