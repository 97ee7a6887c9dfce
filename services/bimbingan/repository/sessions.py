"""Sessions: the record, its list indexes (in order of its start) and the marks recorded in it."""
import json

from services.bimbingan import domain, keys
from shared.pagination import index_member
from shared.records import load_or_404, move, page_of


def _member(session: domain.Session) -> str:
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
            move(pipe, keys.session_indexes(before) if before else [], _member(before) if before else None,
                 keys.session_indexes(after), _member(after))

        self.tx.queue(write)

    def page(self, filters: dict, cursor: str | None, limit: int) -> tuple[list[dict], str | None]:
        return page_of(self.redis, keys.session_index(filters), cursor, limit, keys.session)
