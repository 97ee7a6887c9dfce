"""Tokens: who gets in, and why the others do not."""
import time

import jwt
import pytest

from shared import auth
from shared.errors import Forbidden, Unauthorized

SECRET = "s3cret"
GROUP = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"


def header(token):
    return f"Bearer {token}"


def login(token, region="sumsel"):
    return auth.authenticate(header(token), secret=SECRET, region=region)


def test_a_valid_token_gives_its_principal():
    principal = login(auth.issue_token(SECRET, role="officer", sub="pk-7", region="sumsel"))
    assert (principal.sub, principal.role, principal.region, principal.group_id) == ("pk-7", "officer", "sumsel",
                                                                                    None)


def test_a_partner_carries_its_group():
    principal = login(auth.issue_token(SECRET, role="partner", sub="p", region="sumsel", group_id=GROUP))
    assert principal.group_id == GROUP and principal.is_partner


@pytest.mark.parametrize("value", [None, "", "Basic abc", "Bearer", "Bearer not.a.jwt"])
def test_missing_or_malformed_headers_are_401(value):
    with pytest.raises(Unauthorized):
        auth.authenticate(value, secret=SECRET, region="sumsel")


def test_a_token_signed_with_another_secret_is_401():
    with pytest.raises(Unauthorized, match="not valid"):
        login(auth.issue_token("other", role="admin", sub="a", region="sumsel"))


def test_an_expired_token_is_401_even_within_a_bounded_skew():
    claims = {"sub": "a", "role": "admin", "region": "sumsel", "iat": int(time.time()) - 600,
              "exp": int(time.time()) - 120}
    with pytest.raises(Unauthorized, match="expired"):
        login(jwt.encode(claims, SECRET, algorithm="HS256"))


def test_a_token_without_exp_is_401():
    claims = {"sub": "a", "role": "admin", "region": "sumsel"}
    with pytest.raises(Unauthorized):
        login(jwt.encode(claims, SECRET, algorithm="HS256"))


def test_an_unsigned_token_is_401():
    claims = {"sub": "a", "role": "admin", "region": "sumsel", "exp": int(time.time()) + 60}
    with pytest.raises(Unauthorized):
        login(jwt.encode(claims, None, algorithm="none"))


def test_an_unknown_role_or_a_partner_without_group_is_401():
    for claims in ({"role": "root"}, {"role": "partner"}, {"role": "partner", "group_id": "../x"}):
        token = jwt.encode({"sub": "a", "region": "sumsel", "exp": int(time.time()) + 60, **claims}, SECRET,
                           algorithm="HS256")
        with pytest.raises(Unauthorized):
            login(token)


def test_a_token_of_another_region_is_403():
    with pytest.raises(Forbidden, match="region"):
        login(auth.issue_token(SECRET, role="admin", sub="a", region="jabar"))


def rsa_keys():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = private.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public_pem


IDP = {"audience": "bapas-api", "issuer": "https://idp.example/realms/bapas"}


def idp_claims(**extra):
    now = int(time.time())
    return {"sub": "pk-1", "role": "officer", "region": "sumsel", "iat": now, "exp": now + 60,
            "aud": IDP["audience"], "iss": IDP["issuer"], **extra}


def test_rs256_tokens_are_checked_with_the_public_key_when_one_is_configured():
    private, public_pem = rsa_keys()
    token = jwt.encode(idp_claims(), private, algorithm="RS256")
    principal = auth.authenticate(header(token), secret="", public_key=public_pem, region="sumsel", **IDP)
    assert principal.role == "officer"
    hs256 = auth.issue_token(SECRET, role="admin", sub="a", region="sumsel", **IDP)
    assert auth.authenticate(header(hs256), secret=SECRET, public_key=public_pem, region="sumsel",
                             **IDP).role == "admin"
    with pytest.raises(Unauthorized):   # no secret configured: only the identity provider's RS256 tokens
        auth.authenticate(header(hs256), secret="", public_key=public_pem, region="sumsel", **IDP)
    with pytest.raises(Unauthorized):   # an RS256 token without a configured public key
        auth.authenticate(header(token), secret=SECRET, region="sumsel", **IDP)


@pytest.mark.parametrize("claims", [
    {"aud": None}, {"iss": None}, {"aud": "another-app"}, {"iss": "https://idp.example/realms/other"}])
def test_an_rs256_token_for_another_application_or_issuer_is_401(claims):
    private, public_pem = rsa_keys()
    token = jwt.encode({k: v for k, v in idp_claims(**claims).items() if v is not None}, private, algorithm="RS256")
    with pytest.raises(Unauthorized):
        auth.authenticate(header(token), secret="", public_key=public_pem, region="sumsel", **IDP)


def test_rs256_tokens_are_refused_while_no_audience_and_issuer_are_configured():
    private, public_pem = rsa_keys()
    token = jwt.encode(idp_claims(), private, algorithm="RS256")
    with pytest.raises(Unauthorized, match="AUDIENCE"):
        auth.authenticate(header(token), secret="", public_key=public_pem, region="sumsel")


def test_a_configured_audience_and_issuer_are_required_of_hs256_tokens_too():
    with pytest.raises(Unauthorized):
        auth.authenticate(header(auth.issue_token(SECRET, role="admin", sub="a", region="sumsel")), secret=SECRET,
                          region="sumsel", **IDP)
    wrong = auth.issue_token(SECRET, role="admin", sub="a", region="sumsel", audience="x", issuer=IDP["issuer"])
    with pytest.raises(Unauthorized):
        auth.authenticate(header(wrong), secret=SECRET, region="sumsel", **IDP)


def claims_now(**extra):
    now = int(time.time())
    return {"sub": "a", "role": "admin", "region": "sumsel", "iat": now, "exp": now + 60, **extra}


# Times relative to now are computed when the test runs, not when it is collected (the whole suite
# takes minutes: a lifetime of 12 h + 2 min fixed at collection is under the cap by then).
@pytest.mark.parametrize("extra", [
    lambda now: {"exp": 2 ** 62}, lambda now: {"exp": 1e300}, lambda now: {"exp": str(now + 60)},
    lambda now: {"exp": True}, lambda now: {"exp": float("nan")}, lambda now: {"iat": None},
    lambda now: {"iat": str(now)}, lambda now: {"iat": now + 3600}, lambda now: {"exp": now + 12 * 3600 + 120},
], ids=["exp-2^62", "exp-1e300", "exp-string", "exp-bool", "exp-nan", "no-iat", "iat-string", "iat-future",
        "over-12h"])
def test_a_token_that_lives_too_long_or_has_odd_times_is_401(extra):
    claims = {k: v for k, v in claims_now(**extra(int(time.time()))).items() if v is not None}
    with pytest.raises(Unauthorized):
        login(jwt.encode(claims, SECRET, algorithm="HS256"))


def test_the_lifetime_cap_is_configurable():
    token = auth.issue_token(SECRET, role="admin", sub="a", region="sumsel", ttl_seconds=3600)
    assert auth.authenticate(header(token), secret=SECRET, region="sumsel", max_lifetime=3600).role == "admin"
    with pytest.raises(Unauthorized, match="lifetime"):
        auth.authenticate(header(token), secret=SECRET, region="sumsel", max_lifetime=600)


# Verification is cached per token (shared.auth._decode_cached): what the cache must not keep.
def test_a_token_accepted_once_is_refused_once_it_has_expired(monkeypatch):
    now = time.time()
    claims = {"sub": "a", "role": "admin", "region": "sumsel", "iat": int(now), "exp": int(now) + 60}
    token = jwt.encode(claims, SECRET, algorithm="HS256")
    assert login(token).role == "admin"
    assert login(token).role == "admin"  # from the cache
    monkeypatch.setattr(auth.time, "time", lambda: now + 60 + 31)  # past exp and the 30 s leeway
    with pytest.raises(Unauthorized, match="expired"):
        login(token)


def test_a_token_accepted_with_a_previous_secret_is_refused_once_that_secret_is_dropped():
    token = auth.issue_token("old", role="admin", sub="a", region="sumsel")
    assert auth.authenticate(header(token), secret=SECRET, previous_secret="old", region="sumsel").role == "admin"
    with pytest.raises(Unauthorized, match="not valid"):
        auth.authenticate(header(token), secret=SECRET, region="sumsel")


def test_a_cached_token_still_answers_to_the_region_and_the_lifetime_cap():
    token = auth.issue_token(SECRET, role="admin", sub="a", region="sumsel", ttl_seconds=3600)
    assert login(token).role == "admin"
    with pytest.raises(Forbidden):
        login(token, region="jabar")
    with pytest.raises(Unauthorized, match="lifetime"):
        auth.authenticate(header(token), secret=SECRET, region="sumsel", max_lifetime=600)
