"""bimbingan's use cases: check the replicas are fresh, load, check version, scope a partner to its
own group, let the domain decide, commit through the unit of work (records, indexes, open sets,
events and audit entry in one MULTI/EXEC); and the reactions to klien's and pokmas's events."""
from datetime import timedelta

from services.bimbingan import domain, keys
from shared import clock, idempotency
from shared.errors import Conflict, Invalid, Unavailable
from shared.ids import new_id
from shared.records import check_version
from shared.scoping import group_filter, owned


class Unknown(Exception):
    """Raised in a transaction: a replica it needs is missing (FreshReplicas.known catches up)."""


class FreshReplicas:
    """bimbingan decides on replicas of klien's clients and pokmas's programs, which may lag their
    owners by the time an event takes to arrive. So a request naming an id a replica does not know,
    or refused (409) on what a replica says, first catches up with the owner's /events feed
    (shared/freshness.py) and then looks, or decides, once more."""

    OWNERS = {"client_id": "klien", "program_id": "pokmas"}

    def __init__(self, uow, freshness):
        self.uow = uow
        self.freshness = freshness

    def require_known(self, **ids: str) -> None:
        """422 naming each id its owner does not know, after catching up with the owner's feed."""
        knows = {"client_id": lambda tx, i: tx.replicas.knows_client(i),
                 "program_id": lambda tx, i: tx.replicas.knows_program(i)}
        clients, programs = [ids[f] for f in ids if f == "client_id"], [ids[f] for f in ids if f == "program_id"]
        if self.uow.query(lambda tx: tx.replicas.knows_all(clients, programs)):  # the usual case: one round trip
            return
        errors = {}
        for field, value in ids.items():
            source = self.OWNERS[field]
            if not self.freshness.knows(source, lambda: self.uow.query(lambda tx: knows[field](tx, value))):
                errors[field] = [f"{source} has no record with this id"]
        if errors:
            raise Invalid(errors)

    def known(self, run, **ids: str):
        """`run()`, a transaction that raises Unknown when a replica it reads is missing (so the usual
        request asks Redis nothing before its transaction): then, as require_known, catch up and 422 for
        what is still unknown, or run once more."""
        try:
            return run()
        except Unknown:
            self.require_known(**ids)
        try:
            return run()
        except Unknown:  # known a moment ago, gone now (an owner's event removed it): as if never known
            raise Invalid({field: [f"{self.OWNERS[field]} has no record with this id"] for field in ids}) from None

    def decide(self, decide, *sources: str):
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


class Enrollments:
    def __init__(self, uow, fresh: FreshReplicas, today=clock.today):
        self.uow = uow
        self.fresh = fresh
        self.today = today

    def enroll(self, body: dict, ctx) -> dict:
        client_id, program_id = str(body["client_id"]), str(body["program_id"])
        start_date = (body.get("start_date") or self.today()).isoformat()
        enrollment_id = new_id()

        def work(tx):
            client, program, open_count, already_open = tx.enrollments.enrolling(client_id, program_id)
            if client is None or program is None:
                raise Unknown()
            domain.check_can_enroll(client, program, open_count, already_open)
            domain.check_start_date(start_date, client, program)
            enrollment, events = domain.new_enrollment(enrollment_id, client_id, program_id, program, start_date,
                                                       body.get("note"), ctx)
            tx.enrollments.save(None, enrollment)
            tx.commit(ctx, events)
            return enrollment

        return self.fresh.decide(lambda: self.fresh.known(lambda: self.uow.run(work), client_id=client_id,
                                                          program_id=program_id), "klien", "pokmas")

    def get(self, enrollment_id: str, ctx) -> dict:
        def read(tx):
            enrollment = owned(lambda: tx.enrollments.get(enrollment_id), ctx)
            marks = sorted(tx.enrollments.marks(enrollment_id).values(),
                           key=lambda m: (m["starts_at"], m["session_id"]))
            return {**domain.shown_to(enrollment, ctx.role), "attendance": marks}

        return self.uow.query(read)

    def page(self, args: dict, ctx) -> dict:
        filters = {name: str(args[name]) for name in keys.ENROLLMENT_FILTERS if args.get(name) is not None}
        filters["group_id"] = group_filter(filters.get("group_id"), ctx)
        filters = {k: v for k, v in filters.items() if v is not None}
        if args.get("id") is not None or any(args.get(name) for name in ATTENDANCE_ARGS):
            return self.uow.query(lambda tx: listed_with_attendance(tx, args, filters, ctx))
        items, next_cursor = self.uow.query(lambda tx: tx.enrollments.page(filters, args["cursor"], args["limit"]))
        return {"items": [domain.shown_to(e, ctx.role) for e in items], "next_cursor": next_cursor}

    def complete(self, enrollment_id: str, body: dict, expected: int | None, ctx) -> dict:
        return self._change(enrollment_id, expected, ctx, lambda e: domain.complete(
            e, body["outcome"], body["summary"], self.today().isoformat(), ctx))

    def withdraw(self, enrollment_id: str, body: dict, expected: int | None, ctx) -> dict:
        return self._change(enrollment_id, expected, ctx, lambda e: domain.withdraw(
            e, body["reason_code"], body.get("note"), self.today().isoformat(), ctx))

    def _change(self, enrollment_id: str, expected: int | None, ctx, change) -> dict:
        def work(tx):
            before = owned(lambda: tx.enrollments.get(enrollment_id), ctx)
            check_version(before["version"], expected)
            after, events = change(before)
            tx.enrollments.save(before, after)
            tx.commit(ctx, events)
            return after

        return self.uow.run(work, keys.enrollment(enrollment_id))


class Sessions:
    def __init__(self, uow, fresh: FreshReplicas, now=clock.instant):
        self.uow = uow
        self.fresh = fresh
        self.now = now

    def schedule(self, body: dict, ctx) -> dict:
        program_id = str(body["program_id"])
        self.fresh.require_known(program_id=program_id)
        fields = {**body, "program_id": program_id, "starts_at": clock.instant(body["starts_at"])}

        def work(tx):
            program = tx.replicas.program(program_id)
            domain.check_agreement_active(program)
            domain.check_session_date(clock.local_date(fields["starts_at"]), program)
            session, events = domain.new_session(new_id(), fields, program, ctx)
            tx.sessions.save(None, session)
            tx.commit(ctx, events)
            return session

        return self.fresh.decide(lambda: self.uow.run(work), "pokmas")

    def get(self, session_id: str, ctx) -> dict:
        def read(tx):
            session = owned(lambda: tx.sessions.get(session_id), ctx)
            marks = [{**mark, "enrollment_id": eid} for eid, mark in tx.sessions.marks(session_id).items()]
            return {**session, "attendance": sorted(marks, key=lambda m: m["enrollment_id"])}

        return self.uow.query(read)

    def page(self, args: dict, ctx) -> dict:
        """Sessions in order of their start; `from` and `to` are days where the BAPAS is (both included)."""
        filters = {name: str(args[name]) for name in keys.SESSION_FILTERS if args.get(name) is not None}
        filters["group_id"] = group_filter(filters.get("group_id"), ctx)
        first, last = args.get("from_"), args.get("to")
        if first and last and first > last:
            raise Invalid({"to": [f"must not be before from ({first.isoformat()})"]})
        starts_from = clock.start_of_day(first) if first else None
        starts_before = clock.start_of_day(last + timedelta(days=1)) if last else None
        items, next_cursor = self.uow.query(lambda tx: tx.sessions.page(
            {k: v for k, v in filters.items() if v is not None}, args["cursor"], args["limit"], starts_from,
            starts_before))
        return {"items": items, "next_cursor": next_cursor}

    def reschedule(self, session_id: str, body: dict, expected: int | None, ctx) -> dict:
        starts_at = clock.instant(body["starts_at"])

        def reschedule(tx, session):
            program = tx.replicas.program(session["program_id"])
            domain.check_agreement_active(program)
            domain.check_session_date(clock.local_date(starts_at), program)
            return domain.reschedule(session, starts_at, body["reason"], ctx)

        return self._change(session_id, expected, ctx, reschedule)

    def cancel(self, session_id: str, body: dict, expected: int | None, ctx) -> dict:
        """Cancel a session; the marks recorded in it stop counting for their enrollments."""
        def cancel(tx, session):
            after, events = domain.cancel(session, body["reason"], ctx)
            return after, events + discount_marks(tx, session_id)

        return self._change(session_id, expected, ctx, cancel)

    def record_attendance(self, session_id: str, records: list[dict], ctx, idempotency_key: str | None = None) -> dict:
        """The batch's marks, once per Idempotency-Key: a batch sent again with its key is answered as the first
        time, refusals included."""
        enrollment_ids = [str(record["enrollment_id"]) for record in records]

        def work(tx):
            session = owned(lambda: tx.sessions.get(session_id), ctx)
            domain.check_can_mark(session, self.now())
            # a partner cannot tell another group's enrollment from a missing one
            befores = [e if e is None or ctx.role != "partner" or e["group_id"] == ctx.group_id else None
                       for e in tx.enrollments.find_many(enrollment_ids)]
            domain.check_attendance_targets(session, befores, clock.local_date(session["starts_at"]))
            events, afters = [], []
            for before, record in zip(befores, records):
                mark = domain.new_mark(session, record["attendance"], record.get("note"), ctx,
                                       record.get("behaviour_note"), record.get("pk_should_know", False))
                after, announced = domain.record_attendance(before, tx.enrollments.marks(before["id"]), mark)
                tx.enrollments.save_mark(after["id"], mark)
                tx.enrollments.save(before, after)
                events += announced
                afters.append(after)
            tx.commit(ctx, events)
            return {"session_id": session_id, "enrollments": [domain.shown_to(e, ctx.role) for e in afters]}

        # keys scoped as bimbingan scoped them before (user|session|key), so a key given then is still found
        answer, _replayed = idempotency.once(self.uow, idempotency_key, (ctx.actor, session_id),
                                             {"records": records}, work, keys.session(session_id))
        return answer

    def _change(self, session_id: str, expected: int | None, ctx, change) -> dict:
        def work(tx):
            before = owned(lambda: tx.sessions.get(session_id), ctx)
            check_version(before["version"], expected)
            after, events = change(tx, before)
            tx.sessions.save(before, after)
            tx.commit(ctx, events)
            return after

        return self.uow.run(work, keys.session(session_id))


ATTENDANCE_ARGS = ("attendance", "attendance_from", "attendance_flagged")   # each asks for the marks


def listed_with_attendance(tx, args: dict, filters: dict, ctx) -> dict:
    """GET /enrollments with `id` (only those enrollments) and/or `attendance` (each with its marks, as GET by id
    answers them, those of sessions from `attendance_from` on, or only the flagged ones; one round trip for the
    page's marks): the PK home's feedback of many enrollments in one call instead of one call per enrollment."""
    if args.get("id") is not None:
        items, next_cursor = tx.enrollments.page_of_ids([str(i) for i in args["id"]], filters, args["cursor"],
                                                        args["limit"])
    else:
        items, next_cursor = tx.enrollments.page(filters, args["cursor"], args["limit"])
    items = [domain.shown_to(e, ctx.role) for e in items]
    if any(args.get(name) for name in ATTENDANCE_ARGS):
        since = clock.start_of_day(args["attendance_from"]) if args.get("attendance_from") else ""
        flagged_only = bool(args.get("attendance_flagged"))
        marks = tx.enrollments.marks_of_many([e["id"] for e in items])
        items = [{**e, "attendance": sorted((m for m in marks[e["id"]].values() if m["starts_at"] >= since
                                             and (m.get("pk_should_know") or not flagged_only)),
                                            key=lambda m: (m["starts_at"], m["session_id"]))} for e in items]
    return {"items": items, "next_cursor": next_cursor}


def discount_marks(tx, session_id: str) -> list:
    """A cancelled session's marks stop counting: each marked enrollment recounted; returns the events."""
    marked = tx.sessions.marks(session_id)
    events = []
    for before in tx.enrollments.find_many(sorted(marked)):
        marks = tx.enrollments.marks(before["id"]) if before else {}
        if before is None or session_id not in marks or marks[session_id].get("session_cancelled"):
            continue
        after, mark, announced = domain.discount_cancelled(before, marks, session_id)
        tx.enrollments.save_mark(after["id"], mark)
        tx.enrollments.save(before, after)
        events += announced
    return events


class Reactions:
    """klien's and pokmas's events -> bimbingan's replicas, and the withdrawals they call for: a client
    that leaves `active`, or an agreement that is suspended, terminated or expired, gets its open
    enrollments withdrawn, each with its own event, in the same transaction as the replica update
    (so a redelivered or replayed event withdraws nothing twice)."""

    def __init__(self, today=clock.today, now=clock.instant):
        self.today = today
        self.now = now

    def client_changed(self, tx, data: dict, ctx) -> None:
        ending = []
        open_ids = tx.enrollments.open_of_client(data["id"])
        if data["status"] != domain.ACTIVE:
            ending = tx.enrollments.find_many(sorted(open_ids))
        tx.replicas.save_client(domain.client_replica(data))
        self._withdraw(tx, ending, *domain.client_ending(data, self.today().isoformat()), ctx)

    def agreement_changed(self, tx, data: dict, ctx) -> None:
        program_ids = [program["id"] for program in data["programs"]]
        open_sets = [tx.enrollments.open_in_program(program_id) for program_id in program_ids]
        ending = []
        if data["status"] in domain.ENDED_AGREEMENT:
            ending = tx.enrollments.find_many(sorted(i for open_set in open_sets for i in open_set.values()))
        known = tx.replicas.agreement(data["id"]) or {}
        # only a draft loses programs, so no enrollment refers to the dropped ones
        dropped = set(known.get("program_ids", ())) - set(program_ids)
        tx.replicas.save_agreement(domain.agreement_replica(data), domain.program_replicas(data), dropped)
        cancelled = []
        if data["status"] in domain.ENDED_AGREEMENT:
            upcoming = [s for program_id in program_ids for s in tx.sessions.of_program(program_id)]
            for before, after, events in domain.cancel_future(upcoming, self.now(), f"agreement {data['status']}",
                                                              ctx):
                tx.sessions.save(before, after)
                cancelled += events
        self._withdraw(tx, ending, "agreement_ended", domain.agreement_ending(data, self.today().isoformat()), ctx,
                       cancelled)

    @staticmethod
    def _withdraw(tx, enrollments: list, reason_code: str, ended_on: str, ctx, events: list = ()) -> None:
        events = list(events)
        for before, after, announced in domain.withdraw_open(enrollments, reason_code, ended_on, ctx):
            tx.enrollments.save(before, after)
            events += announced
        tx.commit(ctx, events)
