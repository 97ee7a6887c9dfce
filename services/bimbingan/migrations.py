"""bimbingan's stored data versions (`bapas migrate bimbingan`, shared/migrate.py).

Versions before issue 12 ended an index member's sort key with "|" where it now ends with NUL
(shared.pagination.index_member): an enrollment or session written again since then got a new
member beside its old one, so it showed twice in a list (and under its old status or program too).
1. Each enrollment's list index entries are rebuilt from its record.
2. Each session's list index entries are rebuilt from its record.
3. Entries no record backs are dropped from every bimbingan list index: the old-form ones, and those
   an older release left after a rollback for a record it moved (after 1 and 2, so no record leaves a
   list meanwhile).
4. The indexes by client_id and another filter are deleted: such a list is now read from the client's own
   index, its enrollments filtered in memory (keys.enrollment_indexes), and nothing writes them any more.
"""
from services.bimbingan import keys
from services.bimbingan.repository.sessions import session_member
from shared.migrate import Rebuild, Step, of_record, reindex, unbacked_dropped
from shared.pagination import index_member


def enrollment_entries(_pipe, enrollment: dict, _settings=None) -> list[tuple[str, str]]:
    member = index_member(enrollment["created_at"], enrollment["id"])
    return [(index, member) for index in keys.enrollment_indexes(enrollment)]


def session_entries(_pipe, session: dict, _settings=None) -> list[tuple[str, str]]:
    return [(index, session_member(session)) for index in keys.session_indexes(session)]


MIGRATIONS = [
    Rebuild(1, "enrollment list index entries rebuilt from each enrollment", keys.enrollment("*"),
            reindex(keys.enrollment, enrollment_entries)),
    Rebuild(2, "session list index entries rebuilt from each session", keys.session("*"),
            reindex(keys.session, session_entries)),
    unbacked_dropped(3, keys.PREFIX, {
        "enrollments": of_record(keys.enrollment, enrollment_entries),
        "sessions": of_record(keys.session, session_entries)}),
    Rebuild(4, "indexes by client_id and another filter deleted (read from the client's own index)",
            keys.enrollment_index_of_client_and_more(), lambda _pipe, key, _settings: Step(lambda p: p.delete(key)),
            watches_key=False),
]
