"""Ids are UUID strings; anything else is refused before it can reach a Redis key."""
import uuid


def new_id() -> str:
    return str(uuid.uuid4())


def is_uuid(value) -> bool:
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False
