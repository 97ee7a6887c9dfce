"""`bapas dead` over both transports: a poison event is dead-lettered, listed without being lost,
retried back to its consumer, or dropped for good."""
import json
import uuid

import pytest

from shared.cli import main
from tests.support.backbone import Bus
from tests.support.poll import eventually


@pytest.fixture
def bus(redis_url, broker_url, monkeypatch):
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("BROKER_URL", broker_url)
    subject = str(uuid.uuid4())
    bus = Bus(redis_url, broker_url, fail_times={subject: 3}, max_attempts=3, service="bimbingan").reset()
    bus.poisoned = subject
    yield bus.start()
    bus.shutdown()


def dead(capsys, *argv) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["dead", *argv])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def poison(bus) -> str:
    event = bus.write(bus.poisoned, "active")
    eventually(lambda: bus.redis.hget("bimbingan:stats", "dead_lettered") == "1", timeout=30)
    return event["id"]


def test_a_dead_letter_is_listed_and_shown_without_being_taken_off_the_queue(bus, capsys):
    event_id = poison(bus)
    for _ in range(2):
        code, out = dead(capsys, "list", "bimbingan")
        assert code == 0 and "1 dead letter(s)" in out
        assert event_id in out and "handler failed 3 times" in out
    code, out = dead(capsys, "show", "bimbingan", "--id", event_id)
    shown = json.loads(out)
    assert shown["event"]["id"] == event_id and shown["event"]["subject"] == bus.poisoned
    assert shown["queue"] == "bimbingan.events"


def test_retry_redelivers_the_event_to_its_consumer_and_empties_the_queue(bus, capsys):
    event_id = poison(bus)
    assert bus.poisoned not in bus.things()
    code, out = dead(capsys, "retry", "bimbingan", "--id", event_id)
    assert code == 0 and "retried 1" in out
    eventually(lambda: bus.things().get(bus.poisoned) == "active@1", timeout=30)
    assert "0 dead letter(s)" in dead(capsys, "list", "bimbingan")[1]


def test_drop_removes_only_the_chosen_dead_letter(bus, capsys):
    event_id = poison(bus)
    code, out = dead(capsys, "drop", "bimbingan", "--id", str(uuid.uuid4()))
    assert code == 1 and "no dead letter" in out
    assert event_id in dead(capsys, "list", "bimbingan")[1]
    code, out = dead(capsys, "drop", "bimbingan", "--id", event_id)
    assert code == 0 and "dropped 1" in out
    assert "0 dead letter(s)" in dead(capsys, "list", "bimbingan")[1]
    assert bus.poisoned not in bus.things()


def test_an_unreachable_broker_is_one_line_for_the_operator_not_a_traceback(monkeypatch, capsys):
    monkeypatch.setenv("BROKER_URL", "amqp://guest:guest@127.0.0.1:1//")
    assert main(["dead", "list", "bimbingan"]) == 2
    assert capsys.readouterr().err.strip() == ("bapas: cannot reach the broker (BROKER_URL): "
                                               "OperationalError: [Errno 111] Connection refused")
