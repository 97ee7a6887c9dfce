"""`bapas dead list|show|retry|drop <service>`: the dead letters of a service's consumer.

A dead letter is the JSON record `{reason, queue, body, routing_key}` the consumer published to
`<service>.dead`, with message_id = the event id. Every action takes the letters off the queue
without acknowledging them, acks only the ones it retried or dropped, and puts the others back:
if the command dies halfway the broker returns whatever it had not acknowledged.
"""
import json
import sys
from contextlib import contextmanager
from dataclasses import dataclass

from kombu import Producer

from shared import broker
from shared.commands import broker_connection
from shared.config import SERVICES, load_settings

LIMIT = 1000


@dataclass
class DeadLetter:
    message: object

    @property
    def record(self) -> dict:
        try:
            record = json.loads(self.message.body)
        except ValueError:
            record = None
        return record if isinstance(record, dict) else {"reason": "unreadable dead letter", "body": self.message.body}

    @property
    def event(self) -> dict:
        try:
            event = json.loads(self.record.get("body") or "")
        except (TypeError, ValueError):
            return {}
        return event if isinstance(event, dict) else {}

    @property
    def event_id(self) -> str:
        return self.message.properties.get("message_id") or str(self.event.get("id", ""))

    def summary(self) -> str:
        return "  ".join([self.event_id or "-", str(self.event.get("type", "-")), str(self.event.get("subject", "-")),
                          str(self.record.get("reason", ""))[:200]])

    def full(self) -> dict:
        record = self.record
        return {"event_id": self.event_id, "reason": record.get("reason"), "queue": record.get("queue"),
                "routing_key": record.get("routing_key"), "event": self.event or record.get("body")}


@contextmanager
def taken(broker_url: str, service: str, limit: int = LIMIT):
    """The first `limit` dead letters, held unacknowledged; those not acked are put back at the end."""
    with broker_connection(broker_url) as connection:
        dead, = broker.declare(connection, broker.dead_queue(service))
        queue = dead(connection.channel())
        letters: list[DeadLetter] = []
        try:
            while len(letters) < limit and (message := queue.get(no_ack=False)) is not None:
                letters.append(DeadLetter(message))
            yield connection, letters
        finally:
            for letter in letters:
                if not letter.message.acknowledged:
                    letter.message.requeue()


def retry(connection, service: str, letter: DeadLetter) -> None:
    """Publish the original event to `bapas.retry`, which routes it to `<service>.events` only."""
    broker.declare(connection, broker.events_queue(service, ()))
    Producer(connection.channel()).publish(
        letter.record.get("body", ""), exchange=broker.retry_exchange, routing_key=service, retry=True,
        **broker.publish_options(letter.event_id, str(letter.event.get("correlationid", ""))))
    letter.message.ack()


def cmd_dead(args) -> int:
    if args.action in ("show", "retry", "drop") and not (args.id or (args.all and args.action != "show")):
        raise ValueError(f"dead {args.action} needs --id EVENT_ID" + ("" if args.action == "show" else " or --all"))
    with taken(load_settings().effective_broker_url, args.service) as (connection, letters):
        if args.action == "list":
            print(f"{len(letters)} dead letter(s) in {args.service}.dead" +
                  (f" (showing the first {LIMIT})" if len(letters) == LIMIT else ""))
            for letter in letters:
                print(letter.summary())
            return 0
        chosen = [letter for letter in letters if args.all or letter.event_id == args.id]
        if not chosen:
            print(f"no dead letter with event id {args.id} in {args.service}.dead", file=sys.stderr)
            return 1
        for letter in chosen:
            if args.action == "show":
                print(json.dumps(letter.full(), indent=2, ensure_ascii=False))
            elif args.action == "retry":
                retry(connection, args.service, letter)
            else:
                letter.message.ack()
        if args.action != "show":
            print(f"{'retried' if args.action == 'retry' else 'dropped'} {len(chosen)} dead letter(s) "
                  f"of {args.service}")
    return 0


def register(sub) -> None:
    command = sub.add_parser("dead", help="list, show, retry or drop a service's dead letters")
    command.add_argument("action", choices=("list", "show", "retry", "drop"))
    command.add_argument("service", choices=SERVICES)
    command.add_argument("--id", help="the event id of one dead letter")
    command.add_argument("--all", action="store_true", help="retry or drop every dead letter")
    command.set_defaults(func=cmd_dead)
