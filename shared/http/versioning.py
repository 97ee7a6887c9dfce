"""Versions as strong ETags ("3") and If-Match preconditions."""
import re

from flask import request

from shared.errors import PreconditionFailed

# ASCII digits only (str.isdigit takes "²" and "٣") and no more than a version can have.
STRONG_TAG = re.compile(r'"([0-9]{1,15})"', re.ASCII)


def expected_version() -> int | None:
    """The version the client says it is changing (If-Match), or None to write unconditionally."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    tag = STRONG_TAG.fullmatch(header.strip())
    if tag:
        return int(tag.group(1))
    raise PreconditionFailed(f"If-Match must be a strong ETag such as \"3\", got {header[:40]!r}")


def with_etag(body: dict, status: int = 200):
    return body, status, {"ETag": f'"{body["version"]}"'}
