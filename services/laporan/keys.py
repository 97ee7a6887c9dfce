"""laporan's Redis key names, nothing else. Every key starts with `laporan:`."""
P = "laporan"

# Replicas of the owners' aggregates, as their newest event carries them (JSON strings).
def client(client_id: str) -> str:
    return f"{P}:client:{client_id}"


def group(group_id: str) -> str:
    return f"{P}:group:{group_id}"


def program(program_id: str) -> str:
    return f"{P}:program:{program_id}"


def agreement(agreement_id: str) -> str:
    return f"{P}:agreement:{agreement_id}"


def enrollment(enrollment_id: str) -> str:
    return f"{P}:enrollment:{enrollment_id}"


def session(session_id: str) -> str:
    return f"{P}:session:{session_id}"


def marks(enrollment_id: str) -> str:
    """Hash session id -> attendance of one enrollment's marks."""
    return f"{P}:marks:{enrollment_id}"


def session_marked(session_id: str) -> str:
    """Set of the enrollments with a mark in the session."""
    return f"{P}:session-marked:{session_id}"


def reporting(client_id: str) -> str:
    """Hash due date -> kept | missed of one client's wajib lapor."""
    return f"{P}:reporting:{client_id}"


def contributions(fact: str) -> str:
    """JSON list of the counters a fact adds one to (domain.py's contributions)."""
    return f"{P}:contrib:{fact}"


def dependents(aggregate_id: str) -> str:
    """Set of the facts attributed by this aggregate (recounted when it changes)."""
    return f"{P}:deps:{aggregate_id}"


def office_month(office: str, month: str) -> str:
    return f"{P}:fig:{office}:{month}"


def group_month(group_id: str, month: str) -> str:
    return f"{P}:gfig:{group_id}:{month}"


def participants(group_id: str, month: str) -> str:
    return f"{P}:participants:{group_id}:{month}"


def office_groups(office: str, month: str) -> str:
    return f"{P}:office-groups:{office}:{month}"


MONTHS = f"{P}:months"                 # set of "office|month" that have figures
AGREEMENTS_BY_END = f"{P}:agreements:by-end"   # sorted set agreement id, score = valid_until as YYYYMMDD
GROUP_NAMES = f"{P}:group-names"       # hash group id -> name, read from pokmas over HTTP
NAMES_WANTED = f"{P}:group-names:wanted"  # set of group ids whose name is to be (re)read
OFFICE_REGIONS = f"{P}:office-regions"  # hash office -> region of the events that named it (a national view)
SUSPECT = f"{P}:marks:suspect"         # set of enrollments whose marks may miss an event (see handlers.py)


def counter(contribution: tuple) -> tuple[str, str]:
    """(hash key, field) of a domain contribution."""
    scope, owner, month, what = contribution
    key = {"office": office_month, "group": group_month, "participant": participants,
           "office_group": office_groups}[scope](owner, month)
    return key, what
