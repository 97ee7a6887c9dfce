"""Sessions: the record, its list indexes (in order of its start) and the marks recorded in it."""
import json

from services.bimbingan import domain, keys
from shared.pagination import index_member, member_id, sort_key_range
from shared.records import load_many, load_or_404, move, page_of


def session_member(session: domain.Session) -> str:
    return index_member(session["starts_at"], session["id"])


class SessionRepository:
    def __init__(self, tx):
        self.tx = tx
        self.redis = tx.pipe

    def get(self, session_id: str) -> domain.Session:
        self.tx.watch(keys.session(session_id))
        return load_or_404(self.redis, keys.session(session_id), "session", session_id)

    def marks(self, session_id: str) -> dict[str, domain.Mark]:
        """Enrollment id -> the mark recorded for it in this session."""
        return {eid: json.loads(raw) for eid, raw in self.redis.hgetall(keys.session_marks(session_id)).items()}

    def save(self, before: domain.Session | None, after: domain.Session) -> None:
        def write(pipe):
            pipe.set(keys.session(after["id"]), json.dumps(after))
            old = session_member(before) if before else None
            move(pipe, keys.session_indexes(before) if before else [], old, keys.session_indexes(after),
                 session_member(after))

        self.tx.queue(write)

    def of_program(self, program_id: str) -> list[domain.Session]:
        """Every session of a program (watched), in order of their start."""
        ids = [member_id(m) for m in self.redis.zrangebylex(keys.session_index({"program_id": program_id}), "-", "+")]
        self.tx.watch(*[keys.session(i) for i in ids])
        return [s for s in load_many(self.redis, [keys.session(i) for i in ids]) if s]

    def page(self, filters: dict, cursor: str | None, limit: int, starts_from: str | None = None,
             starts_before: str | None = None) -> tuple[list[dict], str | None]:
        """Sessions in order of their start, from the instant `starts_from`, before `starts_before`."""
        return page_of(self.redis, keys.session_index(filters), cursor, limit, keys.session,
                       sort_key_range(starts_from, starts_before))
