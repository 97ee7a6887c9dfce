"""The worker's expiry task: a due active agreement expires once, with one event; nothing else changes."""
from datetime import timedelta

from services.pokmas.app import SERVICE, unit_of_work
from services.pokmas.usecases import Agreements
from shared import clock
from shared.scheduler import run_due
from tests.support.client import headers
from tests.support.pokmas_api import day
from tests.support.pokmas_flow import active_agreement, new_agreement, ok, published, transition

TOMORROW = clock.today() + timedelta(days=1)


def test_a_due_agreement_expires_once_with_one_event(http, runtime, redis):
    due = active_agreement(http, valid_from=day(-30), valid_until=day(0))
    store = Agreements(unit_of_work(runtime))
    assert store.expire_due(TOMORROW) == 1
    expired = ok(http.get(f"/agreements/{due['id']}", headers=headers()))
    assert expired["status"] == "expired" and expired["version"] == 3
    [event] = published(redis, "pokmas.agreement.expired")
    assert event["subject"] == due["id"] and event["sequence"] == 3 and event["data"]["status"] == "expired"
    assert store.expire_due(TOMORROW) == 0
    assert len(published(redis, "pokmas.agreement.expired")) == 1
    assert ok(http.get(f"/agreements/{due['id']}", headers=headers()))["version"] == 3


def test_agreements_not_yet_due_or_not_active_do_not_expire(http, runtime, redis):
    valid_today = active_agreement(http, valid_from=day(-30), valid_until=day(0))
    draft = new_agreement(http, valid_from=day(-30), valid_until=day(0))
    suspended = active_agreement(http, valid_from=day(-30), valid_until=day(0))
    ok(transition(http, suspended, "suspend"))
    assert Agreements(unit_of_work(runtime)).expire_due() == 0
    assert Agreements(unit_of_work(runtime)).expire_due(TOMORROW) == 1
    statuses = {a["id"]: ok(http.get(f"/agreements/{a['id']}", headers=headers()))["status"]
                for a in (valid_today, draft, suspended)}
    assert statuses == {valid_today["id"]: "expired", draft["id"]: "draft", suspended["id"]: "suspended"}


def test_an_expired_agreement_allows_no_transition(http, runtime):
    agreement = active_agreement(http, valid_from=day(-30), valid_until=day(0))
    Agreements(unit_of_work(runtime)).expire_due(TOMORROW)
    for action in ("activate", "resume", "suspend", "terminate"):
        response = transition(http, agreement, action, {"reason": "r"})
        assert response.status_code == 409 and "current status is expired" in response.get_json()["detail"]


def test_the_workers_scheduled_task_runs_the_expiry_at_most_once_per_period(http, runtime, redis):
    [task] = SERVICE.tasks(runtime)
    assert task.name == "expire_agreements" and task.every_seconds == 60
    active_agreement(http)
    run_due(redis, "pokmas", [task])
    assert redis.ttl("pokmas:schedule:expire_agreements") > 0
    assert published(redis, "pokmas.agreement.expired") == []


def test_the_expiry_interval_is_configurable(runtime, monkeypatch):
    monkeypatch.setenv("POKMAS_EXPIRY_INTERVAL_SECONDS", "5")
    assert [task.every_seconds for task in SERVICE.tasks(runtime)] == [5]
