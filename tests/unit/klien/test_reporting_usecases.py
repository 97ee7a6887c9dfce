"""Wajib lapor's use cases with fakes: what each commits and announces, the worker's marking, the
idempotent check-in, and the attention list fed by both sources."""
from datetime import date, timedelta

import pytest

from services.klien import reporting
from services.klien.schemas import ClientCreate
from shared.context import CommandContext
from shared.errors import Invalid
from tests.support.klien_data import client_body, enrollment_data
from tests.unit.klien.fakes import clients, unit_of_work, wajib_lapor

TODAY = date(2026, 12, 1)
CTX = CommandContext(actor="pk-1", role="officer", correlation_id="c-1")


@pytest.fixture
def uow():
    return unit_of_work()


@pytest.fixture
def client(uow):
    return clients(uow).register(ClientCreate().load(client_body(supervision_end="2027-12-31")), CTX)


def on(uow, days: int = 0):
    return wajib_lapor(uow, TODAY + timedelta(days=days))


def needing_attention(uow) -> set[str]:
    return {c["id"] for c in uow.clients.search({}, [], None, 100, attention=True)[0]}


def schedule(uow, client, first_due="2026-12-07"):
    return on(uow).set_schedule(client["id"], {"frequency": "weekly", "first_due": date.fromisoformat(first_due)},
                                None, CTX)


def test_setting_a_schedule_commits_the_record_and_announces_it(uow, client):
    view = schedule(uow, client)
    [event] = uow.published("klien.reporting.scheduled")
    assert (event.subject, event.sequence, event.data["client_id"]) == (view["id"], 1, client["id"])
    assert uow.reporting.looks[client["id"]] == date(2026, 12, 11)
    assert view["items"][0] == {"id": reporting.due_id(view["id"], "2026-12-07"), "date": "2026-12-07",
                                "status": "due", "check_in": None, "settled_at": None}


def test_a_retried_check_in_answers_the_first_result_and_records_once(uow, client):
    schedule(uow, client)
    body = {"date": date(2026, 12, 1), "kind": "daring"}
    first, replayed = on(uow).check_in(client["id"], body, "k-1", CTX)
    again, replayed_again = on(uow).check_in(client["id"], body, "k-1", CTX)
    assert (first, replayed) == (again, False) and replayed_again
    assert len(uow.reporting.all_check_ins(client["id"])) == 1 and len(uow.published("klien.checkin.recorded")) == 1
    with pytest.raises(Invalid):
        on(uow).check_in(client["id"], {**body, "kind": "lapor_diri"}, "k-1", CTX)


def test_the_worker_marks_once_and_flags_the_client_in_the_attention_list(uow, client):
    schedule(uow, client)
    assert on(uow, 24).mark_missed_due() == 3
    assert on(uow, 24).mark_missed_due() == 0
    assert [e.data["reporting_version"] for e in uow.events
            if e.type.startswith(("klien.reporting.missed", "klien.client.att"))] == [2, 3, 4, 5]
    assert client["id"] in needing_attention(uow)
    assert clients(uow).get(client["id"], CTX)["reporting"]["attention_required"] is True


def test_clearing_keeps_the_client_listed_while_guidance_still_flags_it(uow, client):
    schedule(uow, client)
    on(uow, 24).mark_missed_due()
    flagged = enrollment_data(client["id"], consecutive_absences=3, sessions_missed=3)
    clients(uow).record_enrollment(uow, flagged)
    on(uow, 25).clear_attention(client["id"], "Sudah dihubungi", None, CTX)
    assert client["id"] in needing_attention(uow)
    clients(uow).record_enrollment(uow, {**flagged, "consecutive_absences": 0})
    assert client["id"] not in needing_attention(uow)
    assert uow.published("klien.client.attention_cleared")[0].data["attention_required"] is False


def test_a_client_flagged_by_wajib_lapor_stays_listed_through_a_correction_and_guidance_news(uow, client):
    schedule(uow, client)
    on(uow, 24).mark_missed_due()
    clients(uow).correct(client["id"], ClientCreate(partial=True).load({"officer_id": "pk-0099"}), None, CTX)
    assert client["id"] in needing_attention(uow)
    calm = enrollment_data(client["id"], consecutive_absences=0)
    clients(uow).record_enrollment(uow, calm)
    assert client["id"] in needing_attention(uow)
    on(uow, 25).clear_attention(client["id"], "Sudah dihubungi", None, CTX)
    assert client["id"] not in needing_attention(uow)
