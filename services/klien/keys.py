"""klien's Redis keys, all under `klien:`. Ids in keys are validated UUIDs; register numbers are
percent-encoded and officer ids digested (domain.filter_index), so no value can reach into another key."""
from urllib.parse import quote

from services.klien import domain

PREFIX = "klien"

# One key per claimed value (not one hash for all), so a registration WATCHes only the values it
# claims and concurrent registrations of different clients never restart each other.


def register_slot(register_number: str) -> str:
    """casefolded register number -> client id"""
    return f"{PREFIX}:unique:register_number:{quote(domain.register_key(register_number), safe='')}"


def nik_slot(nik_digest: str) -> str:
    """The keyed digest of an active client's NIK (domain.nik_digest) -> client id: no key holds a NIK."""
    return f"{PREFIX}:unique:active_nik:{nik_digest}"


def client(client_id: str) -> str:
    return f"{PREFIX}:client:{client_id}"


def history(client_id: str) -> str:
    """List of the client's history entries, oldest first."""
    return f"{PREFIX}:history:{client_id}"


def guidance(client_id: str) -> str:
    """View: hash enrollment id -> guidance entry, from bimbingan's events."""
    return f"{PREFIX}:guidance:{client_id}"


def program(program_id: str) -> str:
    """View: a pokmas program's name, guidance type and group, from pokmas's agreement events."""
    return f"{PREFIX}:program:{program_id}"


def group(group_id: str) -> str:
    """View: a pokmas group's name, from pokmas's group events."""
    return f"{PREFIX}:group:{group_id}"


def index(name: str) -> str:
    """Sorted set of "<sort key>\\0|<id>" members (domain.index_members)."""
    return f"{PREFIX}:idx:{name}"


def attention() -> str:
    """Clients with an open attention flag from either source, members like every list index."""
    return index("attention")


def reporting(client_id: str) -> str:
    """The client's wajib lapor record (services/klien/reporting.py)."""
    return f"{PREFIX}:reporting:{client_id}"


def check_ins(client_id: str) -> str:
    """Hash: check-in id -> check-in."""
    return f"{PREFIX}:check-ins:{client_id}"


def check_in_order(client_id: str) -> str:
    """Sorted set of "<date>|<recorded_at>|<id>": the client's check-ins in date order."""
    return f"{PREFIX}:check-ins:order:{client_id}"


# The worker's look-up index: client id -> ordinal of the first day its due dates may need marking.
REPORTING_LOOK = f"{PREFIX}:reporting:look"
