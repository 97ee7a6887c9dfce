"""examples/subscriber.py, a plain AMQP client, against a stack publishing to RabbitMQ: it prints
events as they are published, and after downtime (its queue even lost) it catches up from
/events without printing again what it had already seen."""
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from kombu import Connection

from tests.support.client import ServiceClient, token
from tests.support.local_stack import LocalStack
from tests.support.ops_flow import register_group
from tests.support.poll import eventually

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def rabbit_stack(request, rabbitmq_vhost):
    if request.config.getoption("--stack") == "compose":
        pytest.skip("starts its own local stack on RabbitMQ; runs in the local tier")
    stack = LocalStack(broker_url=rabbitmq_vhost.url).start()
    yield stack
    stack.cleanup()


@pytest.fixture
def admin(rabbit_stack):
    class Clients:
        pokmas = ServiceClient(rabbit_stack.pokmas_url, token(sub="tester", secret=rabbit_stack.jwt_secret,
                                                              region=rabbit_stack.region))
    return Clients


class Subscriber:
    def __init__(self, stack: LocalStack, workdir: Path):
        self.stack = stack
        self.queue = f"integrator-{uuid.uuid4().hex[:8]}"
        self.state = workdir / "state.json"
        self.workdir = workdir
        self.process = None
        self.output = None

    def start(self) -> "Subscriber":
        self.output = self.workdir / f"run-{uuid.uuid4().hex[:6]}.log"
        env = {**os.environ, "AMQP_URL": self.stack.broker_url,
               "BAPAS_TOKEN": token(role="auditor", sub="integrator", secret=self.stack.jwt_secret,
                                    region=self.stack.region),
               **{f"{name.upper()}_URL": self.stack.url(name) for name in ("klien", "pokmas", "bimbingan")}}
        with open(self.output, "wb") as out:
            self.process = subprocess.Popen([sys.executable, str(ROOT / "examples/subscriber.py"), "--queue", self.queue,
                                             "--state", str(self.state)], env=env, stdout=out, stderr=subprocess.STDOUT)
        eventually(lambda: "# listening on" in self.printed(), timeout=30)
        return self

    def printed(self) -> str:
        assert self.process.poll() is None, self.output.read_text()
        return self.output.read_text()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=15)

    def lose_queue(self) -> None:
        with Connection(self.stack.broker_url) as connection:
            connection.default_channel.queue_delete(self.queue)


@pytest.fixture
def subscriber(rabbit_stack, tmp_path):
    subscriber = Subscriber(rabbit_stack, tmp_path)
    yield subscriber
    subscriber.stop()


def lines_about(text: str, subject: str) -> list[str]:
    return [line for line in text.splitlines() if f" {subject} " in line]


def test_the_example_subscriber_receives_events_and_catches_up_after_downtime(admin, subscriber):
    subscriber.start()
    first = register_group(admin)
    eventually(lambda: lines_about(subscriber.printed(), first["id"]), timeout=30)
    assert lines_about(subscriber.printed(), first["id"])[0].startswith("pokmas.group.registered ")

    subscriber.stop()
    missed = register_group(admin)
    subscriber.lose_queue()  # only the /events catch-up can bring `missed` back now
    subscriber.start()
    after_restart = subscriber.printed()
    assert len(lines_about(after_restart, missed["id"])) == 1
    assert lines_about(after_restart, first["id"]) == []

    live = register_group(admin)
    eventually(lambda: lines_about(subscriber.printed(), live["id"]), timeout=30)
    assert len(lines_about(subscriber.printed(), missed["id"])) == 1
