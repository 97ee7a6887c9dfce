"""Versions as strong ETags ("3") and If-Match preconditions."""
from flask import request

from shared.errors import PreconditionFailed


def expected_version() -> int | None:
    """The version the client says it is changing (If-Match), or None to write unconditionally."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    tag = header.strip()
    if tag.startswith('"') and tag.endswith('"') and tag[1:-1].isdigit():
        return int(tag[1:-1])
    raise PreconditionFailed(f"If-Match must be a strong ETag such as \"3\", got {header[:40]!r}")


def with_etag(body: dict, status: int = 200):
    return body, status, {"ETag": f'"{body["version"]}"'}
