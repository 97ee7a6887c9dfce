"""The portal with fake services and in-memory accounts: page tests read what a person reads."""
import pytest
from argon2 import PasswordHasher
from bs4 import BeautifulSoup

from services.portal.accounts import Account
from services.portal.app import create_app
from shared.config import Settings
from tests.support.portal_fakes import SECRET, FakeRedis, FakeServices


@pytest.fixture
def services():
    return FakeServices()


@pytest.fixture
def app(services):
    settings = Settings(jwt_secret=SECRET, region="testreg", urls={})
    app = create_app(settings, services_factory=services.factory, redis=FakeRedis(), limits_uri="memory://",
                     config={"TESTING": True, "WTF_CSRF_ENABLED": False})
    store = app.extensions["portal.accounts"]
    store.hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)   # fast; the real one in integration
    store.add(Account(username="pk1", role="officer", name="Siti PK", bapas_office="Bapas Palembang"), "password-pk1")
    store.add(Account(username="boss", role="admin", name="Kepala", bapas_office="Bapas Palembang"), "password-boss")
    store.add(Account(username="audit", role="auditor", name="Auditor"), "password-audit")
    store.add(Account(username="mitra", role="partner", name="Pesantren",
                      group_id="11111111-1111-4111-8111-111111111111"), "password-mitra")
    return app


def sign_in(app, username):
    client = app.test_client()
    answer = client.post("/masuk", data={"username": username, "password": f"password-{username}"})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return client


@pytest.fixture
def as_pk(app):
    return sign_in(app, "pk1")


@pytest.fixture
def as_admin(app):
    return sign_in(app, "boss")


@pytest.fixture
def as_auditor(app):
    return sign_in(app, "audit")


@pytest.fixture
def as_partner(app):
    return sign_in(app, "mitra")


def page(answer) -> BeautifulSoup:
    return BeautifulSoup(answer.get_data(as_text=True), "html.parser")
