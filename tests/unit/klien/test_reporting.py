"""Wajib lapor's rules without I/O: schedule arithmetic, keeping, missing, the run and the flag."""
from datetime import date, timedelta

import pytest

from services.klien import reporting as r
from shared.context import CommandContext
from shared.errors import Conflict, Invalid

CTX = CommandContext(actor="pk-1", role="officer", correlation_id="c", at="2026-12-01T01:00:00.000Z")
CLIENT = {"id": "3f0c1a52-8a9e-4c39-9f57-2a8e5d1c0b7e", "status": "active", "supervision_start": "2026-01-02",
          "supervision_end": "2027-12-31", "bapas_office": "palembang"}
GRACE = 3
REPORTING_ID = "8d6f5c2e-1b7a-4e0f-9c3d-5a2b1e4f6a70"
D = date.fromisoformat


def scheduled(frequency="weekly", first_due="2026-12-07", today="2026-12-01", client=CLIENT, record=None):
    record, _ = r.set_schedule(record or r.empty(REPORTING_ID, CLIENT["id"]), client, frequency, D(first_due),
                               D(today), CTX)
    return record


def check_in(record, day, today=None, kind="lapor_diri", check_in_id="c-1", client=CLIENT):
    return r.check_in(record, client, {"id": check_in_id, "date": day, "kind": kind}, D(today or day), GRACE, CTX)


def statuses(record, client=CLIENT, upto="2099-01-01"):
    return {day: entry["status"] for day, entry in r.due_dates(record, client) if day <= upto}


def sweep(record, today, client=CLIENT):
    """The record after the worker's run on `today`, and the events it caused (without their states)."""
    record, changes = r.mark_missed(record, client, D(today), GRACE, CTX)
    return record, only_events(changes)


def only_events(changes):
    return [event for event, _ in changes]


# Schedule arithmetic

def test_weekly_and_biweekly_due_dates_step_by_seven_and_fourteen_days():
    assert r.schedule_dates("weekly", D("2026-12-28"), D("2027-01-18")) == [
        D("2026-12-28"), D("2027-01-04"), D("2027-01-11"), D("2027-01-18")]
    assert r.schedule_dates("biweekly", D("2026-12-28"), D("2027-01-25")) == [
        D("2026-12-28"), D("2027-01-11"), D("2027-01-25")]


def test_monthly_on_the_31st_falls_on_each_month_end_and_comes_back_to_the_31st():
    assert r.schedule_dates("monthly", D("2027-01-31"), D("2027-05-31")) == [
        D("2027-01-31"), D("2027-02-28"), D("2027-03-31"), D("2027-04-30"), D("2027-05-31")]


def test_monthly_keeps_february_29_in_a_leap_year_and_the_29th_after_it():
    assert r.schedule_dates("monthly", D("2028-01-29"), D("2028-04-30")) == [
        D("2028-01-29"), D("2028-02-29"), D("2028-03-29"), D("2028-04-29")]
    assert r.schedule_dates("monthly", D("2027-12-30"), D("2028-03-01")) == [
        D("2027-12-30"), D("2028-01-30"), D("2028-02-29")]


def test_monthly_crosses_the_year_end():
    assert r.schedule_dates("monthly", D("2026-11-15"), D("2027-02-15")) == [
        D("2026-11-15"), D("2026-12-15"), D("2027-01-15"), D("2027-02-15")]


def test_due_dates_stop_at_supervision_end_inclusive():
    client = {**CLIENT, "supervision_end": "2026-12-21"}
    assert list(statuses(scheduled(client=client), client)) == ["2026-12-07", "2026-12-14", "2026-12-21"]


def test_an_ended_client_has_no_open_due_date_but_keeps_what_was_settled():
    record, _, _ = check_in(scheduled(), "2026-12-07")
    ended = {**CLIENT, "status": "completed"}
    assert statuses(record, ended) == {"2026-12-07": "kept"}
    assert r.mark_missed(record, ended, D("2027-03-01"), GRACE, CTX) == (record, [])


def test_each_missed_event_comes_with_the_state_right_after_it():
    _, changes = r.mark_missed(scheduled(), CLIENT, D("2026-12-25"), GRACE, CTX)
    assert [state["version"] for _, state in changes] == [2, 3, 4, 5]
    assert [r.summary(state, CLIENT)["missed"] for _, state in changes] == [1, 2, 3, 3]
    assert [r.summary(state, CLIENT)["attention_required"] for _, state in changes] == [False, False, False, True]


# Setting and changing the schedule

def test_setting_a_schedule_announces_it_and_bumps_the_version():
    record, events = r.set_schedule(r.empty(REPORTING_ID, CLIENT["id"]), CLIENT, "monthly", D("2026-12-05"),
                                    D("2026-12-01"), CTX)
    assert only_events(events) == [r.ReportingScheduled("monthly", "2026-12-05")]
    assert events[0][1] is record
    assert (record["version"], record["set_by"]) == (1, "pk-1")


@pytest.mark.parametrize("first_due, message", [
    ("2026-11-30", "today"), ("2028-01-01", "supervision_end")])
def test_first_due_not_before_today_nor_after_supervision_end(first_due, message):
    with pytest.raises(Invalid) as caught:
        scheduled(first_due=first_due)
    assert message in caught.value.errors["first_due"][0]


def test_first_due_not_before_a_supervision_that_starts_later():
    with pytest.raises(Invalid):
        scheduled(first_due="2026-12-02", client={**CLIENT, "supervision_start": "2026-12-10"})


def test_an_ended_client_cannot_get_a_schedule():
    with pytest.raises(Conflict):
        scheduled(client={**CLIENT, "status": "revoked"})


def test_changing_the_frequency_keeps_past_due_dates_and_replaces_future_ones():
    weekly = scheduled("weekly", "2026-12-07")
    weekly, _, _ = check_in(weekly, "2026-12-07")
    weekly, _ = sweep(weekly, "2026-12-18")              # 14 Dec passed its grace: missed
    changed = scheduled("monthly", "2027-01-10", today="2026-12-20", record=weekly)
    assert statuses(changed, upto="2027-03-31") == {
        "2026-12-07": "kept", "2026-12-14": "missed",
        "2027-01-10": "due", "2027-02-10": "due", "2027-03-10": "due"}
    assert changed["version"] == weekly["version"] + 1


def test_a_change_keeps_an_open_due_date_before_today_which_a_late_check_in_can_still_keep():
    weekly = scheduled("weekly", "2026-12-07")
    changed = scheduled("biweekly", "2026-12-09", today="2026-12-08", record=weekly)
    assert statuses(changed, upto="2026-12-23") == {"2026-12-07": "due", "2026-12-09": "due", "2026-12-23": "due"}
    kept, check, _ = check_in(changed, "2026-12-08")
    assert check["kept_due"] == "2026-12-07"


def test_a_change_keeps_a_future_due_date_an_early_check_in_already_kept():
    weekly, _, _ = check_in(scheduled("weekly", "2026-12-10"), "2026-12-04", today="2026-12-04")
    changed = scheduled("weekly", "2026-12-09", today="2026-12-05", record=weekly)
    assert statuses(changed, upto="2026-12-16") == {"2026-12-09": "due", "2026-12-10": "kept", "2026-12-16": "due"}


# Check-ins

def test_a_check_in_on_the_due_date_keeps_it_and_names_it():
    record, check, events = check_in(scheduled(), "2026-12-07")
    assert check["kept_due"] == "2026-12-07" and statuses(record)["2026-12-07"] == "kept"
    assert record["dues"]["2026-12-07"]["check_in"] == {"id": "c-1", "date": "2026-12-07", "kind": "lapor_diri"}
    assert only_events(events) == [r.CheckInRecorded("c-1", "2026-12-07", "lapor_diri", "2026-12-07")]


@pytest.mark.parametrize("day, kept", [("2026-12-10", "2026-12-07"), ("2026-12-11", "2026-12-14"),
                                       ("2026-12-02", "2026-12-07")])
def test_a_late_check_in_within_the_grace_days_keeps_that_date_and_an_early_one_the_next(day, kept):
    _, check, _ = check_in(scheduled(), day)
    assert check["kept_due"] == kept


def test_a_second_check_in_for_the_same_due_date_is_recorded_and_keeps_nothing_twice():
    record, _, _ = check_in(scheduled(), "2026-12-07")
    again, check, events = check_in(record, "2026-12-08", check_in_id="c-2", kind="daring")
    assert check["kept_due"] is None and events[0][0].kept_due is None
    assert statuses(again) == statuses(record)
    assert r.summary(again, CLIENT)["kept"] == 1


def test_a_check_in_without_a_schedule_is_recorded_and_keeps_nothing():
    record, check, _ = check_in(r.empty(REPORTING_ID, CLIENT["id"]), "2026-12-01")
    assert check["kept_due"] is None and record["version"] == 1


def test_a_check_in_after_the_grace_of_a_missed_date_cannot_keep_it():
    record, _ = sweep(scheduled(), "2026-12-11")
    _, check, _ = check_in(record, "2026-12-09", today="2026-12-11")
    assert check["kept_due"] is None


@pytest.mark.parametrize("day, field_message", [("2026-12-02", "future"), ("2025-12-31", "supervision_start")])
def test_a_check_in_not_in_the_future_nor_before_supervision(day, field_message):
    with pytest.raises(Invalid) as caught:
        check_in(scheduled(), day, today="2026-12-01")
    assert field_message in caught.value.errors["date"][0]


def test_an_ended_client_gets_no_check_in():
    with pytest.raises(Conflict):
        check_in(scheduled(), "2026-12-07", client={**CLIENT, "status": "transferred"})


# Missed, the run and the flag

def test_a_due_date_is_missed_only_after_its_last_grace_day():
    record = scheduled()
    assert sweep(record, "2026-12-10")[1] == []
    missed, events = sweep(record, "2026-12-11")
    assert events == [r.ReportingMissed("2026-12-07")] and statuses(missed)["2026-12-07"] == "missed"


def test_marking_twice_marks_nothing_twice():
    once, events = sweep(scheduled(), "2026-12-11")
    assert sweep(once, "2026-12-11") == (once, [])
    assert len(events) == 1


def test_three_missed_in_a_row_raise_the_flag_once_with_the_reason_and_dates():
    record, events = sweep(scheduled(), "2026-12-25")        # 7, 14, 21 Dec: a week of downtime caught up
    assert [e.type for e in events] == ["klien.reporting.missed"] * 3 + ["klien.client.attention_required"]
    assert events[-1] == r.AttentionRequired("reporting_missed", ("2026-12-07", "2026-12-14", "2026-12-21"),
                                             "2026-12-25")
    assert record["version"] == 1 + 4
    later, more = sweep(record, "2027-01-01")                # a fourth miss: the flag is already up
    assert [e.type for e in more] == ["klien.reporting.missed"]
    assert r.summary(later, CLIENT) == {"frequency": "weekly", "next_due": "2027-01-04", "kept": 0, "missed": 4,
                                        "run": 4, "attention_required": True}


def test_a_kept_report_ends_the_run():
    record, _ = sweep(scheduled(), "2026-12-18")             # 7 and 14 missed
    record, _, _ = check_in(record, "2026-12-21")
    record, events = sweep(record, "2027-01-01")             # 28 Dec missed: a run of one, no flag
    assert r.summary(record, CLIENT)["run"] == 1
    assert "klien.client.attention_required" not in [e.type for e in events]


def test_the_run_follows_date_order_even_when_a_check_in_is_recorded_before_the_sweep():
    record, _, _ = check_in(scheduled(), "2026-12-21", today="2026-12-21")   # 7 and 14 still open
    record, events = sweep(record, "2026-12-21")
    assert [e.type for e in events] == ["klien.reporting.missed"] * 2
    assert r.summary(record, CLIENT)["run"] == 0


def test_clearing_the_flag_keeps_the_note_and_a_new_flag_needs_three_more_missed():
    record, _ = sweep(scheduled(), "2026-12-25")
    cleared, changes = r.clear_attention(record, "Dipanggil, alasan sakit", D("2026-12-26"), CTX)
    assert only_events(changes) == [r.AttentionCleared("2026-12-25", "2026-12-26")]
    assert cleared["attention"] is None
    assert cleared["attention_log"][0]["note"] == "Dipanggil, alasan sakit"
    two_more, events = sweep(cleared, "2027-01-08")          # 28 Dec and 4 Jan
    assert "klien.client.attention_required" not in [e.type for e in events]
    three_more, events = sweep(two_more, "2027-01-15")
    assert events[-1].type == "klien.client.attention_required"
    assert events[-1].due_dates == ("2026-12-28", "2027-01-04", "2027-01-11")


def test_clearing_without_an_open_flag_is_a_conflict():
    with pytest.raises(Conflict):
        r.clear_attention(scheduled(), "note", D("2026-12-02"), CTX)


# What is shown and published

def test_event_data_carries_ids_dates_and_counts_never_a_note():
    record, _, events = r.check_in(scheduled(), CLIENT, {"id": "c-1", "date": "2026-12-07", "kind": "daring",
                                                         "note": "rahasia"}, D("2026-12-07"), GRACE, CTX)
    data = r.event_data(record, CLIENT, events[0][0])
    assert data == {"id": "c-1", "reporting_id": REPORTING_ID, "reporting_version": 2, "client_id": CLIENT["id"],
                    "bapas_office": "palembang", "date": "2026-12-07", "kind": "daring", "kept_due": "2026-12-07",
                    "frequency": "weekly", "next_due": "2026-12-14", "kept": 1, "missed": 0, "run": 0,
                    "attention_required": False}


def test_each_event_is_about_its_own_aggregate():
    record, changes = r.mark_missed(scheduled(), CLIENT, D("2026-12-25"), GRACE, CTX)
    events = r.published(CLIENT, changes)
    missed = [e for e in events if e.type == "klien.reporting.missed"]
    assert [(e.subject, e.sequence) for e in missed] == [(r.due_id(REPORTING_ID, d), 1)
                                                         for d in ("2026-12-07", "2026-12-14", "2026-12-21")]
    assert (events[-1].subject, events[-1].sequence) == (REPORTING_ID, 5)
    assert [e.data["reporting_version"] for e in events] == [2, 3, 4, 5]
    assert r.page(record, r.due_dates(record, CLIENT), None, 1)[0][0]["id"] == missed[0].subject


def test_the_worker_looks_again_the_day_after_the_earliest_open_grace_ends():
    record = scheduled()
    assert r.next_look(record, CLIENT, D("2026-12-01"), GRACE) == D("2026-12-11")
    record, _ = sweep(record, "2026-12-11")
    assert r.next_look(record, CLIENT, D("2026-12-11"), GRACE) == D("2026-12-18")
    assert r.next_look(record, {**CLIENT, "status": "completed"}, D("2026-12-11"), GRACE) is None


def test_the_worker_stops_looking_once_supervision_has_ended_and_all_is_settled():
    client = {**CLIENT, "supervision_end": "2026-12-07"}
    record, _ = sweep(scheduled(client=client), "2026-12-11", client)
    assert r.next_look(record, client, D("2026-12-11"), GRACE) is None
    assert r.next_look(record, client, D("2026-12-07") - timedelta(days=1), GRACE) == D("2026-12-08")


def test_due_dates_page_by_date():
    record = scheduled()
    dues = r.due_dates(record, CLIENT)
    first, cursor = r.page(record, dues, None, 2)
    assert [d["date"] for d in first] == ["2026-12-07", "2026-12-14"] and cursor == "2026-12-14"
    second, _ = r.page(record, dues, cursor, 2)
    assert second[0]["date"] == "2026-12-21"
    last, end = r.page(record, dues, dues[-2][0], 5)
    assert len(last) == 1 and end is None


# The next open due date (GET /clients?report_due_by= lists by it)

def test_no_schedule_no_record_and_no_open_due_date_mean_no_next_due():
    assert r.next_open_due(None, CLIENT) is None
    assert r.next_open_due(r.empty(REPORTING_ID, CLIENT["id"]), CLIENT) is None
    client = {**CLIENT, "supervision_end": "2026-12-07"}
    record, _, _ = check_in(scheduled(client=client), "2026-12-07", client=client)
    assert r.next_open_due(record, client) is None                     # the only due date was kept


def test_the_next_due_is_the_first_due_date_and_a_check_in_moves_it_to_the_next():
    record = scheduled()
    assert r.next_open_due(record, CLIENT) == "2026-12-07"
    early, _, _ = check_in(record, "2026-12-05")                       # early: keeps the coming one
    assert r.next_open_due(early, CLIENT) == "2026-12-14"


def test_a_late_due_date_stays_next_until_kept_or_marked_missed():
    record = scheduled()
    assert r.next_open_due(record, CLIENT) == "2026-12-07"             # past, in its grace or unmarked yet
    late, _, _ = check_in(record, "2026-12-10")                        # its last grace day
    assert r.next_open_due(late, CLIENT) == "2026-12-14"
    missed, events = sweep(record, "2026-12-11")
    assert [type(e) for e in events] == [r.ReportingMissed] and r.next_open_due(missed, CLIENT) == "2026-12-14"


def test_an_open_date_a_schedule_change_left_behind_is_still_the_next_due():
    record = scheduled(first_due="2026-12-07", today="2026-12-01")
    changed = scheduled("monthly", first_due="2026-12-20", today="2026-12-09", record=record)
    assert r.next_open_due(changed, CLIENT) == "2026-12-07"


def test_an_ended_client_has_no_next_due_and_a_corrected_end_moves_it():
    record = scheduled()
    assert r.next_open_due(record, {**CLIENT, "status": "revoked"}) is None
    assert r.next_open_due(record, {**CLIENT, "supervision_end": "2026-12-06"}) is None
    assert r.next_open_due(record, {**CLIENT, "supervision_end": "2026-12-07"}) == "2026-12-07"
    left = scheduled("monthly", first_due="2026-12-20", today="2026-12-09", record=record)   # 12-07 kept open
    assert r.next_open_due(left, {**CLIENT, "supervision_end": "2026-12-06"}) is None


@pytest.mark.parametrize("seed", range(40))
def test_the_next_due_is_the_first_open_one_of_every_due_date(seed):
    """next_open_due walks the rule only to the first date not settled: the same answer as due_dates()."""
    import random
    rng = random.Random(seed)
    client = {**CLIENT, "supervision_end": rng.choice(["2026-12-20", "2027-03-31", "2027-12-31"])}
    record = scheduled(rng.choice(r.FREQUENCIES), first_due=f"2026-12-{rng.randint(1, 20):02d}", client=client)
    day, today = D("2026-12-01"), D("2026-12-01")
    for _ in range(rng.randint(0, 12)):
        day += timedelta(days=rng.randint(1, 20))
        if rng.random() < 0.5:
            record, _, _ = check_in(record, day.isoformat(), client=client, check_in_id=f"c-{day}")
        else:
            record, _ = sweep(record, day.isoformat(), client)
        today = day
    if rng.random() < 0.3 and (today + timedelta(days=2)).isoformat() <= client["supervision_end"]:
        record = scheduled(rng.choice(r.FREQUENCIES), first_due=(today + timedelta(days=2)).isoformat(),
                           today=today.isoformat(), client=client, record=record)
    expected = next((d for d, entry in r.due_dates(record, client) if entry["status"] == r.DUE), None)
    assert r.next_open_due(record, client) == expected
    assert r.summary(record, client)["next_due"] == expected
