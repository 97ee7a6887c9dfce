"""Rotating the JWT secret without downtime: tokens signed with the previous secret are
accepted until BAPAS_JWT_PREVIOUS_SECRET_UNTIL, and only then."""
from datetime import datetime, timedelta, timezone

import pytest

from shared import auth
from shared.config import Settings
from shared.errors import Unauthorized

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)


def bearer(secret: str) -> str:
    return "Bearer " + auth.issue_token(secret, role="officer", sub="pk-1", region="sumsel")


def check(header: str, settings: Settings, now: datetime = NOW) -> auth.Principal:
    return auth.authenticate(header, secret=settings.jwt_secret, region="sumsel",
                             previous_secret=settings.previous_jwt_secret(now))


def rotating(until: datetime | None) -> Settings:
    return Settings(jwt_secret="new-secret", jwt_previous_secret="old-secret", jwt_previous_secret_until=until)


def test_during_the_rotation_both_secrets_are_accepted():
    settings = rotating(NOW + timedelta(hours=12))
    assert check(bearer("new-secret"), settings).sub == "pk-1"
    assert check(bearer("old-secret"), settings).sub == "pk-1"


def test_after_its_deadline_the_previous_secret_is_refused():
    settings = rotating(NOW + timedelta(hours=12))
    with pytest.raises(Unauthorized, match="Signature verification failed"):
        check(bearer("old-secret"), settings, NOW + timedelta(hours=12))
    assert check(bearer("new-secret"), settings, NOW + timedelta(days=30)).sub == "pk-1"


def test_a_previous_secret_without_a_deadline_is_never_accepted():
    with pytest.raises(Unauthorized):
        check(bearer("old-secret"), rotating(None))


def test_a_third_secret_is_refused_during_the_rotation():
    with pytest.raises(Unauthorized):
        check(bearer("other-secret"), rotating(NOW + timedelta(hours=1)))


def test_the_previous_secret_does_not_lift_other_checks():
    settings = rotating(NOW + timedelta(hours=1))
    expired = auth.issue_token("old-secret", role="officer", sub="pk-1", region="sumsel", ttl_seconds=-3600)
    with pytest.raises(Unauthorized, match="expired"):
        check("Bearer " + expired, settings)
