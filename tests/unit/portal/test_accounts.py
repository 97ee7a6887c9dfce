"""Accounts: Argon2 hashes, refusals, sessions that end when the account is disabled or reset."""
import json

import pytest
from argon2 import PasswordHasher

from services.portal.accounts import Account, AccountError, AccountStore, account_key
from tests.support.portal_fakes import FakeRedis

GROUP = "11111111-1111-4111-8111-111111111111"


@pytest.fixture
def store():
    return AccountStore(FakeRedis(), PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def test_the_password_is_kept_only_as_an_argon2_hash(store):
    password = store.add(Account(username="pk1", role="officer"))
    record = json.loads(store.redis.get(account_key("pk1")))
    assert password not in json.dumps(record)
    assert record["password_hash"].startswith("$argon2id$")
    assert store.authenticate("pk1", password).role == "officer"
    assert store.authenticate("pk1", password + "x") is None
    assert store.authenticate("nobody", password) is None


@pytest.mark.parametrize("account, field", [
    (Account(username="A B", role="officer"), "username"),
    (Account(username="pk1", role="chief"), "role"),
    (Account(username="mitra", role="partner"), "group_id"),
    (Account(username="pk2", role="officer", group_id=GROUP), "group_id"),
])
def test_accounts_that_cannot_be_made(store, account, field):
    with pytest.raises(AccountError) as refused:
        store.add(account)
    assert refused.value.field == field


def test_a_username_is_taken_once_and_a_short_password_is_refused(store):
    store.add(Account(username="pk1", role="officer"))
    with pytest.raises(AccountError):
        store.add(Account(username="pk1", role="auditor"))
    with pytest.raises(AccountError):
        store.add(Account(username="pk2", role="officer"), "short")


def test_the_first_admin_is_made_only_on_an_empty_portal(store):
    password = store.ensure_admin()
    assert store.authenticate("admin", password).role == "admin"
    assert store.ensure_admin() is None


def test_disabling_or_resetting_ends_the_sessions_and_refuses_sign_in(store):
    password = store.add(Account(username="pk1", role="officer"))
    session = store.start_session("pk1")
    assert store.session_user(session).username == "pk1"
    store.set_disabled("pk1", True)
    assert store.session_user(session) is None
    assert store.authenticate("pk1", password) is None
    store.set_disabled("pk1", False)
    session = store.start_session("pk1")
    new_password = store.reset_password("pk1")
    assert store.session_user(session) is None
    assert store.authenticate("pk1", password) is None
    assert store.authenticate("pk1", new_password) is not None
