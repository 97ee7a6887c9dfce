"""pokmas's Redis keys, all under `pokmas:`. Ids in keys are validated UUIDs; free-text filter values
are percent-encoded, so no value can reach into another key."""
from urllib.parse import quote

from shared.pagination import filter_index, filter_indexes

PREFIX = "pokmas"
# Before data version 5 every group name and PKS number of the region was a field of one hash; each
# registration WATCHed the whole hash, so concurrent registrations of different names failed each
# other's EXEC and ran again (a POST /groups paced at 150/s took 4.4 ms of the API's CPU). Now each
# name has a slot of its own; these hashes are read only by migration 5, which makes the slots.
LEGACY_GROUP_NAMES = f"{PREFIX}:unique:group_name"            # name_key(name) -> group id
LEGACY_AGREEMENT_NUMBERS = f"{PREFIX}:unique:agreement_number"  # name_key(number) -> agreement id
EXPIRY = f"{PREFIX}:idx:expiry"                         # active agreement ids scored by valid_until's ordinal
GROUP_FILTERS = ("bapas_office", "legal_form")
AGREEMENT_FILTERS = ("group_id", "status")
PROGRAM_FILTERS = ("group_id", "guidance_type", "open")


def group_name_slot(name_key: str) -> str:
    """The id of the group holding this name (domain.name_key: any case, any spacing)."""
    return f"{PREFIX}:unique:group_name:{quote(name_key, safe='')}"


def agreement_number_slot(number_key: str) -> str:
    """The id of the agreement holding this PKS number (domain.name_key)."""
    return f"{PREFIX}:unique:agreement_number:{quote(number_key, safe='')}"


def group(group_id: str) -> str:
    return f"{PREFIX}:group:{group_id}"


def agreement(agreement_id: str) -> str:
    """The agreement with its programs."""
    return f"{PREFIX}:agreement:{agreement_id}"


def program(program_id: str) -> str:
    """The id of the agreement a program belongs to."""
    return f"{PREFIX}:program:{program_id}"


def utilization(program_id: str) -> str:
    """View: hash enrollment id -> the enrollment's newest {status, client_id}, from bimbingan's events."""
    return f"{PREFIX}:utilization:{program_id}"


def utilization_counts(program_id: str) -> str:
    """View: hash enrolled, active, completed, withdrawn -> the program's counts, kept with its entries (in the same
    MULTI/EXEC) so a read of the catalogue does not grow with the program's enrollments."""
    return f"{PREFIX}:utilization_counts:{program_id}"


def served(group_id: str) -> str:
    """View: hash enrollment id -> client id of every enrollment in the group's programs."""
    return f"{PREFIX}:served:{group_id}"


def group_index(filters: dict) -> str:
    return filter_index(PREFIX, "groups", GROUP_FILTERS, filters)


def group_indexes(record: dict) -> list[str]:
    return filter_indexes(PREFIX, "groups", GROUP_FILTERS, record)


def office_groups(office: str) -> str:
    return group_index({"bapas_office": office})


def agreement_index(filters: dict) -> str:
    return filter_index(PREFIX, "agreements", AGREEMENT_FILTERS, filters)


def agreement_indexes(record: dict) -> list[str]:
    return filter_indexes(PREFIX, "agreements", AGREEMENT_FILTERS, record)


def program_index(filters: dict) -> str:
    return filter_index(PREFIX, "programs", PROGRAM_FILTERS, filters)


def program_indexes(record: dict) -> list[str]:
    """`record` has group_id, guidance_type and open ("true" | "false")."""
    return filter_indexes(PREFIX, "programs", PROGRAM_FILTERS, record)
