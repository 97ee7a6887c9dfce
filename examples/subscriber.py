#!/usr/bin/env python3
"""An integrator's subscriber to BAPAS events, with a plain AMQP client (py-amqp) and the
standard library only: no code of the BAPAS project.

1. Declares its own durable queue and binds it to the `bapas.events` topic exchange with a
   pattern (`#` = every event), so nothing published from now on is missed.
2. Catches up over HTTP from each service's `GET /events?after=<last id seen>`: what was
   published while it was down, or before its queue existed.
3. Consumes the queue, acking each event after handling it; events already seen during the
   catch-up are skipped (delivery is at least once: deduplicate on the event id).

It prints each event's type, subject and sequence, and keeps the last event id per service in
a small JSON state file. Stop it with Ctrl-C or SIGTERM.

    pip install amqp
    AMQP_URL=amqp://guest:guest@127.0.0.1:5672// BAPAS_TOKEN=$(bapas token --role auditor) \\
        python examples/subscriber.py --queue my-system --pattern 'bimbingan.#'

Environment: AMQP_URL, BAPAS_TOKEN (a token allowed to read /events: auditor, officer or admin),
KLIEN_URL, POKMAS_URL, BIMBINGAN_URL (default http://127.0.0.1:5001..5003).
"""
import argparse
import json
import os
import signal
import socket
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import amqp

EXCHANGE = "bapas.events"
SERVICES = {"klien": 5001, "pokmas": 5002, "bimbingan": 5003}


def amqp_connection(url: str) -> amqp.Connection:
    parts = urllib.parse.urlsplit(url)
    vhost = urllib.parse.unquote(parts.path[1:]) or "/"  # amqp://host// and amqp://host/%2F are vhost "/"
    connection = amqp.Connection(host=f"{parts.hostname}:{parts.port or 5672}", userid=parts.username or "guest",
                                 password=urllib.parse.unquote(parts.password or "guest"), virtual_host=vhost)
    connection.connect()
    return connection


def topic_matches(pattern: str, routing_key: str) -> bool:
    """AMQP topic matching, for the catch-up: `*` is one word, `#` zero or more."""
    def match(words, keys):
        if not words:
            return not keys
        if words[0] == "#":
            return match(words[1:], keys) or (bool(keys) and match(words, keys[1:]))
        return bool(keys) and words[0] in ("*", keys[0]) and match(words[1:], keys[1:])
    return match(pattern.split("."), routing_key.split("."))


class Subscriber:
    def __init__(self, args):
        self.args = args
        self.state_path = Path(args.state)
        self.last = json.loads(self.state_path.read_text()) if self.state_path.exists() else {}
        self.caught_up: set[str] = set()  # ids handled during the catch-up that the queue may still hold

    def handle(self, event: dict) -> None:
        """Your own logic goes here; this example prints and remembers the position."""
        print(f"{event['type']} {event['subject']} seq={event['sequence']} id={event['id']}", flush=True)
        self.last[event["type"].split(".")[0]] = event["id"]
        temporary = self.state_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self.last))
        temporary.replace(self.state_path)

    def catch_up(self, service: str, base_url: str) -> None:
        after = self.last.get(service)
        while True:
            query = urllib.parse.urlencode({"limit": 1000, **({"after": after} if after else {})})
            request = urllib.request.Request(f"{base_url}/events?{query}",
                                             headers={"Authorization": f"Bearer {os.environ['BAPAS_TOKEN']}"})
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    page = json.load(response)
            except urllib.error.HTTPError as exc:
                if exc.code != 404 or after is None:
                    raise
                print(f"# {service}: {after} is past the retention period; reading from the oldest kept",
                      file=sys.stderr)
                after = None
                continue
            for event in page["items"]:
                if topic_matches(self.args.pattern, event["type"]):
                    self.handle(event)
                    self.caught_up.add(event["id"])
            after = page["next_after"] or (page["items"][-1]["id"] if page["items"] else after)
            if page["next_after"] is None:
                return

    def on_message(self, message) -> None:
        event = json.loads(message.body)
        if event["id"] in self.caught_up:
            self.caught_up.discard(event["id"])
        else:
            self.handle(event)
        message.channel.basic_ack(message.delivery_tag)

    def run(self) -> None:
        connection = amqp_connection(self.args.amqp_url)
        channel = connection.channel()
        channel.exchange_declare(EXCHANGE, "topic", durable=True, auto_delete=False)
        channel.queue_declare(self.args.queue, durable=True, auto_delete=False)
        channel.queue_bind(self.args.queue, EXCHANGE, routing_key=self.args.pattern)
        for service, port in SERVICES.items():
            self.catch_up(service, os.environ.get(f"{service.upper()}_URL", f"http://127.0.0.1:{port}"))
        channel.basic_qos(0, 100, False)
        channel.basic_consume(self.args.queue, callback=self.on_message)
        print(f"# listening on {self.args.queue} ({self.args.pattern})", flush=True)
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        try:
            while not stopping:
                try:
                    connection.drain_events(timeout=1)
                except socket.timeout:
                    continue
        finally:
            connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--amqp-url", default=os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//"))
    parser.add_argument("--queue", default="example-subscriber", help="your own durable queue")
    parser.add_argument("--pattern", default="#", help="binding pattern: #, bimbingan.#, *.enrollment.* ...")
    parser.add_argument("--state", default="subscriber-state.json", help="where the last event ids are kept")
    try:
        Subscriber(parser.parse_args()).run()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
