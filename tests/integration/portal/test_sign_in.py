"""Sign-in against a real Redis: Argon2 accounts, Flask-Limiter's Redis storage, CSRF, cookie flags."""
import re

import pytest
import redis

from services.portal.accounts import Account
from services.portal.app import create_app
from shared import redis_tx
from shared.config import Settings
from tests.support.portal_fakes import FakeServices

PASSWORD = "a-long-password-1"


@pytest.fixture
def app(redis_url):
    settings = Settings(jwt_secret="integration-secret", region="testreg", redis_url=redis_url, urls={})
    app = create_app(settings, services_factory=FakeServices().factory, config={"TESTING": True})
    app.extensions["portal.accounts"].add(Account(username="pk1", role="officer"), PASSWORD)
    return app


def _token(browser, path="/masuk") -> str:
    html = browser.get(path).get_data(as_text=True)
    found = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', html) or \
        re.search(r'name="csrf_token" value="([^"]+)"', html)
    return found.group(1)


def sign_in(browser, password=PASSWORD, username="pk1", **environ):
    return browser.post("/masuk", data={"username": username, "password": password, "csrf_token": _token(browser)},
                        **environ)


def test_a_form_without_a_valid_csrf_token_is_refused_with_400(app):
    browser = app.test_client()
    assert browser.post("/masuk", data={"username": "pk1", "password": PASSWORD}).status_code == 400
    assert browser.post("/masuk", data={"username": "pk1", "password": PASSWORD,
                                        "csrf_token": "forged"}).status_code == 400
    assert sign_in(browser).status_code == 302
    assert browser.post("/keluar").status_code == 400                  # signed in, still no token: refused
    assert browser.get("/klien/baru").status_code == 200


def test_the_session_lives_in_redis_and_signing_out_ends_it(app, redis_url):
    browser = app.test_client()
    answer = sign_in(browser)
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    client = redis_tx.connect(redis_url)
    assert len(client.keys("portal:session:*")) == 1
    token = _token(browser, "/klien/baru")
    assert browser.post("/keluar", data={"csrf_token": token}).status_code == 302
    assert client.keys("portal:session:*") == []
    assert browser.get("/klien/baru").status_code == 302


def test_over_tls_the_cookie_is_secure(app):
    browser = app.test_client()
    token = _token(browser)
    answer = browser.post("/masuk", data={"username": "pk1", "password": PASSWORD, "csrf_token": token},
                          base_url="https://portal.example")
    assert "Secure" in answer.headers["Set-Cookie"]


def test_sign_in_is_throttled_per_account_after_five_failures(app):
    for attempt in range(5):
        assert sign_in(app.test_client(), password="wrong").status_code == 400
    answer = sign_in(app.test_client())                                # even the right password now waits
    assert answer.status_code == 429
    assert "Terlalu banyak percobaan" in answer.get_data(as_text=True)
    assert sign_in(app.test_client(), username="someone-else", password="x").status_code == 400


def test_successful_sign_ins_do_not_count_against_the_limit(app):
    for _ in range(8):
        assert sign_in(app.test_client()).status_code == 302


def test_sign_in_is_throttled_per_address(redis_url):
    settings = Settings(jwt_secret="integration-secret", region="testreg", redis_url=redis_url, urls={})
    app = create_app(settings, services_factory=FakeServices().factory,
                     config={"TESTING": True, "PORTAL_SIGNIN_LIMIT_PER_ADDRESS": "3 per 15 minutes"})
    for n in range(3):
        assert sign_in(app.test_client(), username=f"user{n}", password="x").status_code == 400
    assert sign_in(app.test_client(), username="user9", password="x").status_code == 429
    limits = redis.Redis.from_url(redis_url).keys("*portal-limits*")
    assert limits, "the counters live in Redis, so every portal process shares them"


def test_a_disabled_account_is_signed_out_at_once(app):
    browser = app.test_client()
    sign_in(browser)
    app.extensions["portal.accounts"].set_disabled("pk1", True)
    assert browser.get("/klien/baru").status_code == 302
