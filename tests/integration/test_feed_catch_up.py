"""The feed catch-up (shared/feed.py catch_up) applies a page as the consumer applies a batch: a few
transactions for a page, not one per event; what the broker path applied already changes nothing;
an event the page refuses stops it after the ones before it, and the position stays."""
import pytest

from shared import envelope
from shared.feed import catch_up
from shared.keys import BackboneKeys
from tests.support.client import REGION, ServiceApp
from tests.support.klien_data import client_body, enrollment_data

CREATED = "bimbingan.enrollment.created"


class Pages:
    """A feed reader answering one page of `items`, whatever position it is asked from."""

    def __init__(self, items: list[dict]):
        self.items = items

    def page(self, after, types=None, limit: int = 500):
        return self.items, None


@pytest.fixture
def klien(redis_url):
    return ServiceApp("klien", redis_url)


def execs(client) -> int:
    return int(client.info("commandstats").get("cmdstat_exec", {}).get("calls", 0))


def enrollments(klien, count: int) -> list[dict]:
    admin = klien.as_("admin")
    return [klien.event(CREATED, enrollment_data(admin.created("/clients", client_body())["id"]), 1)
            for _ in range(count)]


def guidance_ids(klien, events: list[dict]) -> set[str]:
    officer = klien.as_("officer")
    return {entry["enrollment_id"] for event in events
            for entry in officer.get(f"/clients/{event['data']['client_id']}").get_json()["guidance"]["enrollments"]}


def catch_up_once(klien, items: list[dict]) -> int:
    return catch_up(klien.redis, service="klien", source="bimbingan", reader=Pages(items), applier=klien.applier,
                    region=REGION, from_start=True)


def test_a_page_is_applied_in_a_few_transactions_and_again_changes_nothing(klien):
    events = enrollments(klien, 30)
    already = events[:10]
    assert [klien.applier.apply(event) for event in already] == ["applied"] * 10  # came by the broker first
    before = execs(klien.redis)
    assert catch_up_once(klien, events) == 30
    assert execs(klien.redis) - before <= 2
    assert guidance_ids(klien, events) == {event["data"]["id"] for event in events}
    assert klien.redis.hget("klien:stats", "consumed") == "30"
    before = execs(klien.redis)
    assert catch_up_once(klien, events) == 30
    assert execs(klien.redis) == before  # every one a duplicate: nothing to commit
    assert klien.redis.hget("klien:stats", "consumed") == "30"


def test_a_refused_event_stops_the_page_after_the_ones_before_it(klien):
    events = enrollments(klien, 3)
    foreign = {**events[1], "source": f"/{REGION}/pokmas"}  # not the type's owner
    with pytest.raises(envelope.MalformedEvent):
        catch_up_once(klien, [events[0], foreign, events[2]])
    assert guidance_ids(klien, events) == {events[0]["data"]["id"]}
    assert klien.redis.get(BackboneKeys("klien").feed_position("bimbingan")) is None


def test_what_the_broker_applied_is_counted_not_checked_again(klien, monkeypatch):
    events = enrollments(klien, 6)
    for event in events[:4]:
        klien.applier.apply(event)  # came by the broker first
    checked = []
    real = envelope.parse_event
    monkeypatch.setattr(envelope, "parse_event", lambda item: checked.append(item["id"]) or real(item))
    assert catch_up_once(klien, events) == 6
    assert checked == [event["id"] for event in events[4:]]
    assert guidance_ids(klien, events) == {event["data"]["id"] for event in events}

