"""bimbingan's Redis: sessions and the attendance recorded in them; each change with its events."""
import json

from services.bimbingan import domain, keys
from services.bimbingan.store import check_group, load, page_of, save_enrollment
from shared import clock
from shared.errors import NotFound
from shared.http.versioning import check_version
from shared.ids import new_id
from shared.pagination import index_member
from shared.redis_tx import transact


def _member(session: dict) -> dict:
    return {index_member(session["starts_at"], session["id"]): 0}


class SessionStore:
    def __init__(self, runtime, enrollments):
        self.redis = runtime.redis
        self.outbox = runtime.outbox
        self.enrollments = enrollments

    def schedule(self, body: dict, ctx) -> dict:
        program_id = str(body["program_id"])
        self.enrollments.require_known(program_id=program_id)
        fields = {**body, "program_id": program_id, "starts_at": clock.instant(body["starts_at"])}

        def work(pipe):
            program = load(pipe, keys.program(program_id))
            domain.check_agreement_active(program)
            session = domain.new_session(new_id(), fields, program, ctx)
            pipe.multi()
            self._save(pipe, None, session, "bimbingan.session.scheduled", ctx)
            return session

        return self.enrollments.decide_fresh(lambda: transact(self.redis, work, keys.program(program_id)), "pokmas")

    def get(self, session_id: str, ctx) -> dict:
        session = self._get(self.redis, session_id, ctx)
        marks = [{**json.loads(raw), "enrollment_id": enrollment_id}
                 for enrollment_id, raw in self.redis.hgetall(keys.session_marks(session_id)).items()]
        return {**session, "attendance": sorted(marks, key=lambda m: m["enrollment_id"])}

    def page(self, args: dict, ctx) -> dict:
        return page_of(self.redis, keys.SESSION_FILTERS, keys.session_index, keys.session, args, ctx)

    def reschedule(self, session_id: str, body: dict, expected: int | None, ctx) -> dict:
        starts_at = clock.instant(body["starts_at"])
        return self._change(session_id, expected, ctx, "bimbingan.session.rescheduled",
                            lambda s: domain.reschedule(s, starts_at, body["reason"], ctx))

    def cancel(self, session_id: str, body: dict, expected: int | None, ctx) -> dict:
        return self._change(session_id, expected, ctx, "bimbingan.session.cancelled",
                            lambda s: domain.cancel(s, body["reason"], ctx))

    def record_attendance(self, session_id: str, records: list[dict], ctx) -> dict:
        enrollment_ids = [str(record["enrollment_id"]) for record in records]

        def work(pipe):
            session = self._get(pipe, session_id, ctx)
            domain.check_scheduled(session)
            pipe.watch(*[keys.enrollment(i) for i in enrollment_ids])
            befores = [load(pipe, keys.enrollment(i)) for i in enrollment_ids]
            domain.check_attendance_targets(session, befores)
            changes = [self._marked(pipe, session, before, record, ctx) for before, record in zip(befores, records)]
            pipe.multi()
            for before, after, mark, raise_now in changes:
                self._save_mark(pipe, before, after, mark, raise_now, ctx)
            return {"session_id": session_id, "enrollments": [after for _, after, _, _ in changes]}

        return transact(self.redis, work, keys.session(session_id))

    def _marked(self, pipe, session: dict, before: dict, record: dict, ctx):
        """Read the enrollment's marks, replace this session's, and recount (watched by the enrollment key)."""
        marks = {sid: json.loads(raw) for sid, raw in pipe.hgetall(keys.enrollment_marks(before["id"])).items()}
        mark = {"session_id": session["id"], "starts_at": session["starts_at"], "attendance": record["attendance"],
                "note": record.get("note"), "behaviour_note": record.get("behaviour_note"),
                "pk_should_know": record.get("pk_should_know", False), "recorded_at": ctx.at, "recorded_by": ctx.actor}
        marks[session["id"]] = mark
        after, raise_now = domain.with_attendance(before, list(marks.values()))
        return before, after, mark, raise_now

    def _save_mark(self, pipe, before: dict, after: dict, mark: dict, raise_now: bool, ctx) -> None:
        pipe.hset(keys.enrollment_marks(after["id"]), mark["session_id"], json.dumps(mark))
        pipe.hset(keys.session_marks(mark["session_id"]), after["id"], json.dumps(mark))
        events = [("bimbingan.attendance.recorded", {"session_id": mark["session_id"],
                                                     "attendance": mark["attendance"],
                                                     "pk_should_know": mark["pk_should_know"]})]
        if raise_now:
            events.append(("bimbingan.enrollment.attention_required", {}))
        save_enrollment(pipe, self.outbox, before, after, ctx.correlation_id, *events)

    def _change(self, session_id: str, expected: int | None, ctx, event_type: str, change) -> dict:
        def work(pipe):
            before = self._get(pipe, session_id, ctx)
            check_version(before["version"], expected)
            after = change(before)
            pipe.multi()
            self._save(pipe, before, after, event_type, ctx)
            return after

        return transact(self.redis, work, keys.session(session_id))

    def _save(self, pipe, before: dict | None, after: dict, event_type: str, ctx) -> None:
        pipe.set(keys.session(after["id"]), json.dumps(after))
        for key in keys.session_indexes(after):
            if before is not None:
                pipe.zrem(key, *_member(before))
            pipe.zadd(key, _member(after))
        self.outbox.stage(pipe, type=event_type, subject=after["id"], sequence=after["version"],
                          data=domain.session_event_data(after), correlation_id=ctx.correlation_id)

    @staticmethod
    def _get(reader, session_id: str, ctx) -> dict:
        session = load(reader, keys.session(session_id))
        if session is None:
            raise NotFound(f"no session with id {session_id}")
        check_group(session, ctx)
        return session
