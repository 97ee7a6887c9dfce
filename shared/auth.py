"""Tokens: HS256 JWTs signed with BAPAS_JWT_SECRET (or RS256 with BAPAS_JWT_PUBLIC_KEY).

Claims: sub, role (admin | officer | partner | auditor), region, group_id for a
partner, exp (required). Pure functions; the HTTP layer calls `authenticate`.
"""
import time
from dataclasses import dataclass

import jwt

from shared.errors import Forbidden, Unauthorized
from shared.ids import is_uuid

ROLES = ("admin", "officer", "partner", "auditor")
DEFAULT_TTL_SECONDS = 12 * 3600


@dataclass(frozen=True)
class Principal:
    sub: str
    role: str
    region: str
    group_id: str | None = None

    @property
    def is_partner(self) -> bool:
        return self.role == "partner"


def issue_token(secret: str, *, role: str, sub: str, region: str, group_id: str | None = None,
                ttl_seconds: int = DEFAULT_TTL_SECONDS) -> str:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if role == "partner" and not group_id:
        raise ValueError("a partner token needs --group (the group's id)")
    now = int(time.time())
    claims = {"sub": sub, "role": role, "region": region, "iat": now, "exp": now + ttl_seconds}
    if group_id:
        claims["group_id"] = group_id
    return jwt.encode(claims, secret, algorithm="HS256")


def authenticate(header: str | None, *, secret: str, public_key: str = "", region: str,
                 leeway: int = 30, previous_secret: str = "") -> Principal:
    """Turn an Authorization header into a Principal, or raise 401/403."""
    if not header:
        raise Unauthorized("send Authorization: Bearer <token>")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("the Authorization header must be 'Bearer <token>'")
    claims = _decode(token.strip(), secret=secret, public_key=public_key, leeway=leeway,
                     previous_secret=previous_secret)
    principal = _principal(claims)
    if principal.region != region:
        raise Forbidden(f"this token is for region {principal.region!r}; this deployment serves {region!r}")
    return principal


def _decode(token: str, *, secret: str, public_key: str, leeway: int, previous_secret: str = "") -> dict:
    """RS256 tokens (from an identity provider) are checked with the public key when one is
    configured; HS256 tokens (bapas token, and the services' own tokens to each other) with the
    secret when one is configured, and during a rotation with the previous secret too (the caller
    passes it only until its deadline). Any other algorithm, or one without its key, is refused."""
    keys = {"RS256": [public_key], "HS256": [secret, previous_secret]}
    try:
        algorithm = jwt.get_unverified_header(token).get("alg")
        candidates = [key for key in keys.get(algorithm, []) if key]
        if not candidates:
            raise jwt.InvalidAlgorithmError(f"{algorithm!r} tokens are not accepted here")
        for key in candidates[:-1]:
            try:
                return _verified(token, key, algorithm, leeway)
            except jwt.InvalidSignatureError:
                continue
        return _verified(token, candidates[-1], algorithm, leeway)
    except jwt.ExpiredSignatureError:
        raise Unauthorized("the token has expired") from None
    except jwt.InvalidTokenError as exc:
        raise Unauthorized(f"the token is not valid: {exc}") from None


def _verified(token: str, key: str, algorithm: str, leeway: int) -> dict:
    return jwt.decode(token, key, algorithms=[algorithm], leeway=leeway,
                      options={"require": ["exp", "sub", "role", "region"]})


def _principal(claims: dict) -> Principal:
    role, group_id = claims.get("role"), claims.get("group_id")
    if role not in ROLES:
        raise Unauthorized(f"the token's role must be one of {', '.join(ROLES)}")
    if role == "partner" and not is_uuid(group_id):
        raise Unauthorized("a partner token must carry the group's id in group_id")
    if not isinstance(claims.get("sub"), str) or not isinstance(claims.get("region"), str):
        raise Unauthorized("the token's sub and region must be strings")
    return Principal(sub=claims["sub"], role=role, region=claims["region"],
                     group_id=group_id if role == "partner" else None)
