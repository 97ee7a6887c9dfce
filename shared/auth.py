"""Tokens: HS256 JWTs signed with BAPAS_JWT_SECRET (or RS256 with BAPAS_JWT_PUBLIC_KEY).

Claims: sub, role (admin | officer | partner | auditor), region, group_id for a
partner, iat and exp (required, numbers, at most `max_lifetime` seconds apart), and aud / iss
when the deployment configures an audience and an issuer (required for RS256 tokens, so a
token the identity provider issued for another application is refused). Pure functions; the
HTTP layer calls `authenticate`, and everything that mints a token calls `issue_token`.
"""
import functools
import math
import time
from dataclasses import dataclass

import jwt

from shared.errors import Forbidden, Unauthorized
from shared.ids import is_uuid

ROLES = ("admin", "officer", "partner", "auditor")
DEFAULT_TTL_SECONDS = 12 * 3600
DEFAULT_MAX_LIFETIME_SECONDS = 12 * 3600


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
                ttl_seconds: int = DEFAULT_TTL_SECONDS, audience: str = "", issuer: str = "") -> str:
    """The one way tokens are minted here (`bapas token`, the services' feed tokens, the tests):
    `audience` and `issuer` are the deployment's BAPAS_JWT_AUDIENCE / BAPAS_JWT_ISSUER."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if role == "partner" and not group_id:
        raise ValueError("a partner token needs --group (the group's id)")
    now = int(time.time())
    claims = {"sub": sub, "role": role, "region": region, "iat": now, "exp": now + ttl_seconds}
    if group_id:
        claims["group_id"] = group_id
    if audience:
        claims["aud"] = audience
    if issuer:
        claims["iss"] = issuer
    return jwt.encode(claims, secret, algorithm="HS256")


def token_for(settings, *, secret: str | None = None, role: str, sub: str, region: str | None = None,
              group_id: str | None = None, ttl_seconds: int | None = None) -> str:
    """A token this deployment accepts: its secret, region, audience and issuer, a lifetime within its cap."""
    ttl = settings.jwt_max_lifetime_seconds if ttl_seconds is None else ttl_seconds
    if not 0 < ttl <= settings.jwt_max_lifetime_seconds:
        raise ValueError(f"a token's lifetime must be 1 to {settings.jwt_max_lifetime_seconds} seconds "
                         "(BAPAS_JWT_MAX_LIFETIME_SECONDS)")
    return issue_token(secret or settings.jwt_secret, role=role, sub=sub, region=region or settings.region,
                       group_id=group_id, ttl_seconds=ttl, audience=settings.jwt_audience,
                       issuer=settings.jwt_issuer)


def authenticate_with(settings, header: str | None) -> Principal:
    """`authenticate` with this deployment's keys and rules (the previous secret only until its deadline)."""
    return authenticate(header, secret=settings.jwt_secret, public_key=settings.jwt_public_key,
                        region=settings.region, leeway=settings.jwt_leeway_seconds,
                        audience=settings.jwt_audience, issuer=settings.jwt_issuer,
                        max_lifetime=settings.jwt_max_lifetime_seconds,
                        previous_secret=settings.previous_jwt_secret())


def authenticate(header: str | None, *, secret: str, public_key: str = "", region: str, leeway: int = 30,
                 audience: str = "", issuer: str = "", max_lifetime: int = DEFAULT_MAX_LIFETIME_SECONDS,
                 previous_secret: str = "") -> Principal:
    """Turn an Authorization header into a Principal, or raise 401/403."""
    if not header:
        raise Unauthorized("send Authorization: Bearer <token>")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("the Authorization header must be 'Bearer <token>'")
    claims = _decode_cached(token.strip(), secret, public_key, leeway, audience, issuer, previous_secret)
    _check_lifetime(claims, leeway=leeway, max_lifetime=max_lifetime)
    if claims["exp"] <= time.time() - leeway:  # PyJWT's own test, again: the verification may be cached
        raise Unauthorized("the token has expired")
    principal = _principal(claims)
    if principal.region != region:
        raise Forbidden(f"this token is for region {principal.region!r}; this deployment serves {region!r}")
    return principal


@functools.lru_cache(maxsize=4096)
def _decode_cached(token: str, secret: str, public_key: str, leeway: int, audience: str, issuer: str,
                   previous_secret: str) -> dict:
    """A client sends the same token with every request for hours: its signature, header and claims
    are checked once per token and keys (a failure is never cached, it raises). Of what `_decode`
    checks only `exp` can turn with time (nbf and iat only become true), and `authenticate` checks it
    again on every request; a rotated secret is part of the key, so dropping it drops its tokens.
    Callers must not change the dict."""
    return _decode(token, secret=secret, public_key=public_key, leeway=leeway, audience=audience, issuer=issuer,
                   previous_secret=previous_secret)


def _decode(token: str, *, secret: str, public_key: str, leeway: int, audience: str, issuer: str,
            previous_secret: str = "") -> dict:
    """RS256 tokens (from an identity provider) are checked with the public key when one is
    configured, and only with an audience and an issuer to hold them to; HS256 tokens (bapas token,
    and the services' own tokens to each other) with the secret when one is configured, and during a
    rotation with the previous secret too (the caller passes it only until its deadline). Any other
    algorithm, or one without its key, is refused."""
    keys = {"RS256": [public_key], "HS256": [secret, previous_secret]}
    required = ["exp", "iat", "sub", "role", "region"] + ["aud"] * bool(audience) + ["iss"] * bool(issuer)
    try:
        algorithm = jwt.get_unverified_header(token).get("alg")
        candidates = [key for key in keys.get(algorithm, []) if key]
        if not candidates:
            raise jwt.InvalidAlgorithmError(f"{algorithm!r} tokens are not accepted here")
        if algorithm == "RS256" and not (audience and issuer):
            raise jwt.InvalidAlgorithmError("RS256 tokens need BAPAS_JWT_AUDIENCE and BAPAS_JWT_ISSUER configured")
        for key in candidates[:-1]:
            try:
                return _verified(token, key, algorithm, leeway, audience, issuer, required)
            except jwt.InvalidSignatureError:
                continue
        return _verified(token, candidates[-1], algorithm, leeway, audience, issuer, required)
    except jwt.ExpiredSignatureError:
        raise Unauthorized("the token has expired") from None
    except jwt.InvalidTokenError as exc:
        raise Unauthorized(f"the token is not valid: {exc}") from None


def _check_lifetime(claims: dict, *, leeway: int, max_lifetime: int) -> None:
    """iat and exp as JSON numbers (PyJWT also takes numeric strings), exp at most `max_lifetime`
    after iat, iat not in the future: a token cannot be made to live for ever."""
    issued, expires = claims["iat"], claims["exp"]
    for value in (issued, expires):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise Unauthorized("the token's iat and exp must be numbers (seconds since the epoch)")
    if issued > time.time() + leeway:
        raise Unauthorized("the token's iat is in the future")
    if expires - issued > max_lifetime:
        raise Unauthorized(f"the token's lifetime (exp - iat) is over the {max_lifetime} seconds allowed here")


def _verified(token: str, key: str, algorithm: str, leeway: int, audience: str, issuer: str,
              required: list[str]) -> dict:
    return jwt.decode(token, key, algorithms=[algorithm], leeway=leeway, audience=audience or None,
                      issuer=issuer or None, options={"require": required})


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
