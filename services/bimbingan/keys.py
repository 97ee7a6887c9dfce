"""bimbingan's Redis keys, all under `bimbingan:`. Ids in keys are validated UUIDs; filter values are
UUIDs or statuses from a fixed list, so no key can be injected."""
from functools import lru_cache

from shared.pagination import filter_index, filter_indexes

PREFIX = "bimbingan"
ENROLLMENT_FILTERS = ("client_id", "program_id", "status", "group_id")
# An enrollment is in the index of each combination of the filters other than client_id, and in its
# client's own: a list by client_id and more is the client's few enrollments filtered in memory
# (repository/enrollments.py), so a write adds 9 index entries, not 16 (one per combination).
INDEXED_WITHOUT_CLIENT = ("program_id", "status", "group_id")
SESSION_FILTERS = ("program_id", "group_id")


def client(client_id: str) -> str:
    """Replica of a klien client: its status."""
    return f"{PREFIX}:client:{client_id}"


def client_open(client_id: str) -> str:
    """Set of the client's open enrollment ids (for withdrawing them when the client ends)."""
    return f"{PREFIX}:client:{client_id}:open"


def program(program_id: str) -> str:
    """Replica of a pokmas program: agreement, group, agreement status, guidance type, capacity."""
    return f"{PREFIX}:program:{program_id}"


def program_open(program_id: str) -> str:
    """Hash client id -> open enrollment id: its length is the program's active count."""
    return f"{PREFIX}:program:{program_id}:open"


def agreement(agreement_id: str) -> str:
    return f"{PREFIX}:agreement:{agreement_id}"


def enrollment(enrollment_id: str) -> str:
    return f"{PREFIX}:enrollment:{enrollment_id}"


def enrollment_marks(enrollment_id: str) -> str:
    """Hash session id -> the enrollment's attendance mark for that session."""
    return f"{PREFIX}:enrollment:{enrollment_id}:attendance"


def session(session_id: str) -> str:
    return f"{PREFIX}:session:{session_id}"


def session_marks(session_id: str) -> str:
    """Hash enrollment id -> the attendance mark recorded in that session."""
    return f"{PREFIX}:session:{session_id}:attendance"


def enrollment_index(filters: dict) -> str:
    """The index of the enrollments matching `filters`: any of INDEXED_WITHOUT_CLIENT, or client_id alone."""
    return filter_index(PREFIX, "enrollments", ENROLLMENT_FILTERS, filters)


def enrollment_indexes(record: dict) -> list[str]:
    """Every index an enrollment is in (the same key names as enrollment_index gives)."""
    return [*_indexes_without_client(*(record.get(name) for name in INDEXED_WITHOUT_CLIENT)),
            enrollment_index({"client_id": record["client_id"]})]


@lru_cache(maxsize=4096)
def _indexes_without_client(*values) -> tuple[str, ...]:
    """The same for every enrollment of a program in a status: computed once while a burst enrolls into it."""
    record = dict(zip(INDEXED_WITHOUT_CLIENT, values))
    return tuple(filter_indexes(PREFIX, "enrollments", INDEXED_WITHOUT_CLIENT, record))


def enrollment_index_of_client_and_more() -> str:
    """The pattern of the indexes by client_id and another filter, which versions before data version 4 kept."""
    return f"{PREFIX}:idx:enrollments:client_id=*:*"


def session_index(filters: dict) -> str:
    return filter_index(PREFIX, "sessions", SESSION_FILTERS, filters)


def session_indexes(record: dict) -> list[str]:
    return filter_indexes(PREFIX, "sessions", SESSION_FILTERS, record)
