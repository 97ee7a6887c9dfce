"""Ids are UUID strings; anything else is refused before it can reach a Redis key."""
import os
import uuid


def new_id() -> str:
    """A random (version 4) UUID's text, as `str(uuid.uuid4())` gives it, written out without the UUID
    object (a write makes several; uuid4's checks were about 2 % of a registration's CPU, issue 21)."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    text = raw.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def is_uuid(value) -> bool:
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False
