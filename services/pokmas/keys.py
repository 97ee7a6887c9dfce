"""pokmas's Redis keys, all under `pokmas:`. Ids in keys are validated UUIDs; free-text filter values
are percent-encoded, so no value can reach into another key."""
from shared.pagination import filter_index, filter_indexes

PREFIX = "pokmas"
GROUP_NAMES = f"{PREFIX}:unique:group_name"            # name_key(name) -> group id
AGREEMENT_NUMBERS = f"{PREFIX}:unique:agreement_number"  # name_key(number) -> agreement id
EXPIRY = f"{PREFIX}:idx:expiry"                         # active agreement ids scored by valid_until's ordinal
GROUP_FILTERS = ("bapas_office", "legal_form")
AGREEMENT_FILTERS = ("group_id", "status")
PROGRAM_FILTERS = ("group_id", "guidance_type", "open")


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
