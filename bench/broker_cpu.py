"""RabbitMQ's work per event published, routed to the consuming services' queues, delivered and acked:
beam.smp's user and system CPU (from /proc/<pid>/stat) and the node's Erlang reductions (the same
whatever else the machine runs; CPU time is not), per event. Issue 21, docs/performance.md.

Two drivers, both with the project's own code:
- paced (default): a writer stages klien's or bimbingan's events in an outbox (Outbox, the catalog's
  example data) at --rate; the service's Relay publishes them; each consuming service's EventConsumer
  applies them (handlers that write nothing: the inbox mark and applied sequence still commit) and
  acks after EXEC; each in a process of its own, as under `make run`; the batch sizes they formed
  are printed. The batches depend on the machine's load, so the figures do too.
- --lockstep: fixed batches of --batch events, in one process: published as the relay does
  (BatchConfirms, every confirm awaited), then taken by each consuming service's connection
  (prefetch 200) and acked with broker.ack_all. Repeatable.

Run it against a RabbitMQ of its own (other clients' work would land in the figure), e.g. one
started on port 5772 with RABBITMQ_NODE_PORT, RABBITMQ_NODENAME, RABBITMQ_MNESIA_BASE:

    python -m bench.broker_cpu --broker amqp://guest:guest@127.0.0.1:5772 --node rabbitown@localhost \
        --beam-pid PID --lockstep --kind client --batch 3 --events 3000 --variant v1 --variant v2 --rounds 2

Each run gets a vhost of its own, made and deleted here (rabbitmqctl -n NODE). Variants: v1 (as
deployed), v2 and lazy (a policy on the vhost: queue-version 2, queue-mode lazy), quorum
(BAPAS_QUEUE_TYPE=quorum); for comparison only, not what the services may do: transient
(delivery_mode 1), each-ack (one basic.ack per message instead of one multiple ack), and, paced only,
gatherN (the relay sleeps N ms after each step that published, so that more comes for the next)."""
import argparse
import multiprocessing
import os
import shutil
import subprocess
import tempfile
import threading
import time
import uuid

TICKS = os.sysconf("SC_CLK_TCK")
KINDS = {"client": ("klien", "klien.client.registered"), "enrollment": ("bimbingan", "bimbingan.enrollment.created")}


def beam_cpu(pid: int) -> float:
    """A process's user + system CPU seconds so far (beam.smp's, or a driver process's)."""
    user, system = beam_split(pid)
    return user + system


def beam_split(pid: int) -> tuple[float, float]:
    """beam.smp's user and system CPU seconds so far."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(fields[11]) / TICKS, int(fields[12]) / TICKS


def _writer(redis_url: str, kind: str, rate: float, seconds: float, done) -> None:
    from services.bimbingan.events import CATALOG as BIMBINGAN
    from services.klien.events import CATALOG as KLIEN
    from shared import redis_tx
    from shared.outbox import Outbox
    service, event_type = KINDS[kind]
    catalog = KLIEN if service == "klien" else BIMBINGAN
    client = redis_tx.connect(redis_url)
    outbox = Outbox(client, service=service, region="sumsel", catalog=catalog)
    example = catalog.get(event_type).example
    start, count = time.monotonic(), int(rate * seconds)
    for n in range(count):
        wait = start + n / rate - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        subject = str(uuid.uuid4())

        def work(pipe, subject=subject):
            pipe.multi()
            outbox.stage(pipe, type=event_type, subject=subject, sequence=1, data={**example, "id": subject},
                         correlation_id=f"bench-{n}")
        redis_tx.transact(client, work)
    done.set()


def _relay(redis_url: str, broker_url: str, service: str, stop, gather_ms: float = 0) -> None:
    from shared import redis_tx
    from shared.relay import Relay
    from shared.topology import consumer_queues
    relay = Relay(redis_tx.connect(redis_url), service=service, broker_url=broker_url, queues=consumer_queues(service))
    _count_batches(relay, "_publish", f"relay {service}", stop)
    if gather_ms:  # what-if (shared/relay.py does not do it): after a step that published, let more come
        step = relay.step

        def gathering_step() -> int:
            published = step()
            if published:
                time.sleep(gather_ms / 1000)
            return published
        relay.step = gathering_step
    _run_until(relay.run, stop)


def _consumer(redis_url: str, broker_url: str, service: str, stop) -> None:
    from shared import redis_tx
    from shared.consumer import EventConsumer
    from shared.inbox import Applier
    from shared.subscriptions import declared
    client = redis_tx.connect(redis_url)

    def nothing(pipe, event):
        pass

    applier = Applier(client, service=service, handlers={key: nothing for key in declared(service)})
    consumer = EventConsumer(client, service=service, region="sumsel", broker_url=broker_url, applier=applier)
    _count_batches(consumer, "on_batch", f"consumer {service}", stop)
    _time_batches(consumer, f"consumer {service}", stop)
    _run_until(consumer.run, stop)


def _time_batches(consumer, name: str, stop) -> None:
    """Print the p50 and p99 of staged (the event's `time`, ms precision) -> committed and acked."""
    import datetime
    import json
    wrapped, delays = consumer.on_batch, []

    def timed(batch):
        result = wrapped(batch)
        now = datetime.datetime.now(datetime.timezone.utc)
        for message in batch:
            staged = datetime.datetime.fromisoformat(json.loads(message.body)["time"].replace("Z", "+00:00"))
            delays.append((now - staged).total_seconds() * 1000)
        return result
    consumer.on_batch = timed

    def report():
        stop.wait()
        ordered = sorted(delays) or [0.0]
        print(f"    {name}: staged -> acked p50 {ordered[len(ordered) // 2]:.1f} ms, "
              f"p99 {ordered[int(len(ordered) * 0.99)]:.1f} ms", flush=True)
    threading.Thread(target=report, daemon=True).start()


def _count_batches(owner, method: str, name: str, stop) -> None:
    """Wrap owner.<method>(batch) to print how many batches and messages it had when the run stops."""
    wrapped, seen = getattr(owner, method), [0, 0]

    def counted(batch):
        seen[0] += 1
        seen[1] += len(batch)
        return wrapped(batch)
    setattr(owner, method, counted)
    threading.Thread(target=lambda: (stop.wait(), print(f"    {name}: {seen[1]} messages in {seen[0]} batches, "
                                                        f"{seen[1] / max(seen[0], 1):.1f} a batch", flush=True)),
                     daemon=True).start()


def _run_until(run, stop) -> None:
    event = threading.Event()
    threading.Thread(target=lambda: (stop.wait(), event.set()), daemon=True).start()
    run(event)
    time.sleep(0.3)  # the report threads print before the process ends


def _ctl(node: str, *args: str) -> str:
    return subprocess.run(["rabbitmqctl", "-q", "-n", node, *args], check=True, capture_output=True,
                          text=True, timeout=60).stdout


def _reductions(node: str) -> int:
    """The node's Erlang work so far, in reductions: the same whatever else the machine runs."""
    return int(_ctl(node, "eval", "element(1, erlang:statistics(exact_reductions)).").strip())


# Each process's reductions, labelled by what it runs (a gen_server's module), written by the node to a
# file. No dollar sign in the text: Debian's rabbitmqctl passes its arguments through `su -c`, a shell.
_SNAPSHOT = ("file:write_file(\"PATH\", [io_lib:format(\"~p\\t~p\\t~p~n\", [P, case proplists:get_value("
             "list_to_atom([36|\"initial_call\"]), D) of undefined -> case R of [] -> I; _ -> R end; IC -> IC end, "
             "Red]) || P <- erlang:processes(), [{reductions, Red}, {dictionary, D}, {initial_call, I}, "
             "{registered_name, R}] <- [erlang:process_info(P, [reductions, dictionary, initial_call, "
             "registered_name])]]).")


class ByProcess:
    """Reductions per Erlang process kind (rabbit_channel, the queues' rabbit_prequeue, ...) in a window."""

    def __init__(self, node: str):
        self.node = node
        self.dir = tempfile.mkdtemp(prefix="broker-cpu-")
        os.chmod(self.dir, 0o777)  # the node writes here as its own user

    def _take(self, name: str) -> dict:
        path = os.path.join(self.dir, name)
        _ctl(self.node, "eval", _SNAPSHOT.replace("PATH", path))
        with open(path) as lines:
            return {pid: (label, int(reds)) for pid, label, reds in (line.split("\t") for line in lines.read().splitlines())}

    def start(self) -> None:
        self.before = self._take("before")

    def print(self, count: int) -> None:
        from collections import Counter
        spent = Counter()
        for pid, (label, reds) in self._take("after").items():
            spent[label] += reds - self.before.get(pid, (label, 0))[1]
        for label, reds in spent.most_common(6):
            print(f"    {reds / count:8,.0f} reductions/event  {label}")
        shutil.rmtree(self.dir, ignore_errors=True)


def _queued(node: str, vhost: str) -> int:
    out = _ctl(node, "list_queues", "-p", vhost, "messages")
    return sum(int(line) for line in out.split() if line.strip().isdigit())


def run_once(args, variant: str) -> dict:
    from shared.config import SERVICES
    from shared.subscriptions import declared
    from tests.support.redis_server import RedisServer
    node, vhost = args.node, _vhost(args, variant)
    redis_server = RedisServer().start()
    broker_url = f"{args.broker}/{vhost}"
    service, event_type = KINDS[args.kind]
    consumers = [name for name in SERVICES if event_type in declared(name)]
    context = multiprocessing.get_context("spawn")
    stop, done = context.Event(), context.Event()
    env_before = dict(os.environ)
    if variant.startswith("quorum"):
        os.environ["BAPAS_QUEUE_TYPE"] = "quorum"
    gather_ms = float(variant.split("gather", 1)[1]) if "gather" in variant else 0
    processes = [context.Process(target=_relay, args=(redis_server.url, broker_url, service, stop, gather_ms))]
    processes += [context.Process(target=_consumer, args=(redis_server.url, broker_url, name, stop))
                  for name in consumers]
    try:
        for process in processes:
            process.start()
        time.sleep(4)  # connected, queues declared
        os.environ.clear()
        os.environ.update(env_before)
        idle_start, idle_at = beam_cpu(args.beam_pid), time.monotonic()
        time.sleep(2)
        idle_rate = (beam_cpu(args.beam_pid) - idle_start) / (time.monotonic() - idle_at)
        writer = context.Process(target=_writer, args=(redis_server.url, args.kind, args.rate, args.seconds, done))
        by_process = ByProcess(node) if args.by_process else None
        if by_process:
            by_process.start()
        reductions_start = _reductions(node)
        started, cpu_start = time.monotonic(), beam_cpu(args.beam_pid)
        workers_start = sum(beam_cpu(process.pid) for process in processes)
        writer.start()
        done.wait()
        writer.join()
        count = int(args.rate * args.seconds)
        import redis
        client = redis.Redis.from_url(redis_server.url, decode_responses=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            consumed = [int(client.hget(f"{name}:stats", "consumed") or 0) for name in consumers]
            if all(c >= count for c in consumed):
                break
            time.sleep(0.2)
        seconds, cpu = time.monotonic() - started, beam_cpu(args.beam_pid) - cpu_start
        workers = sum(beam_cpu(process.pid) for process in processes) - workers_start
        reductions = _reductions(node) - reductions_start
        if by_process:
            by_process.print(count)
        left = _queued(node, vhost)
    finally:
        stop.set()
        for process in processes:
            process.join(timeout=15)
            if process.is_alive():
                process.kill()
        redis_server.cleanup()
        _ctl(node, "delete_vhost", vhost)
    return {"variant": variant, "events": count, "deliveries": count * len(consumers), "seconds": seconds,
            "beam_cpu_s": cpu, "us_per_event": cpu / count * 1e6,
            "us_per_event_less_idle": (cpu - idle_rate * seconds) / count * 1e6, "idle_cpu_per_s": idle_rate,
            "consumed": consumed, "left_in_queues": left, "reductions": reductions / count,
            "workers_us": workers / count * 1e6}


def lockstep(args, variant: str) -> dict:
    """Deterministic batches, whatever else the machine runs: publish `batch` events as the relay does
    (one Producer, BatchConfirms, wait for every confirm), then each consuming service's connection takes
    them (prefetch 200, as EventConsumer) and acks them with broker.ack_all, as the consumer does."""
    from kombu import Producer
    from services.bimbingan.events import CATALOG as BIMBINGAN
    from services.klien.events import CATALOG as KLIEN
    from shared import broker, envelope
    from shared.config import SERVICES
    from shared.relay import BatchConfirms
    from shared.subscriptions import declared
    from shared.topology import consumer_queues
    node, vhost = args.node, _vhost(args, variant)
    broker_url = f"{args.broker}/{vhost}"
    service, event_type = KINDS[args.kind]
    catalog = KLIEN if service == "klien" else BIMBINGAN
    example = catalog.get(event_type).example
    consumers = [name for name in SERVICES if event_type in declared(name)]
    if variant.startswith("quorum"):
        os.environ["BAPAS_QUEUE_TYPE"] = "quorum"
    try:
        publisher = broker.connect(broker_url)
        broker.ensure_connected(publisher)
        broker.declare(publisher, *consumer_queues(service))
        channel = publisher.channel()
        confirms = BatchConfirms(channel)
        producer = Producer(channel)
        received = {name: [] for name in consumers}
        connections = []
        for name in consumers:
            connection = broker.connect(broker_url)
            broker.ensure_connected(connection)
            queue, = broker.declare(connection, broker.events_queue(name, declared(name)))
            consumer = connection.Consumer([queue], on_message=received[name].append, prefetch_count=200)
            consumer.consume()
            connections.append((name, connection, consumer))

        def round_(batch):
            events = [envelope.build_event(region="sumsel", service=service, type=event_type, subject=str(uuid.uuid4()),
                                           sequence=1, data={**example, "id": str(uuid.uuid4())},
                                           correlation_id=uuid.uuid4().hex) for _ in range(batch)]
            with producer.batch(max_size=batch):
                for event in events:
                    options = broker.publish_options(event["id"], event["correlationid"])
                    if variant.startswith("transient"):  # for comparison only: not what the services may send
                        options["delivery_mode"] = 1
                    producer.publish(envelope.encode(event), exchange=broker.events_exchange, routing_key=event_type,
                                     retry=False, **options)
            confirms.wait_all(publisher, 30)
            for name, connection, _ in connections:
                while len(received[name]) < batch:
                    connection.drain_events(timeout=30)
                if variant.startswith("each-ack"):  # for comparison: one basic.ack per message
                    for message in received[name]:
                        message.ack()
                else:
                    broker.ack_all(received[name])
                received[name].clear()

        for _ in range(20):  # warm up
            round_(args.batch)
        time.sleep(1)
        rounds = max(1, int(args.events / args.batch))
        by_process = ByProcess(node) if args.by_process else None
        if by_process:
            by_process.start()
        reductions_start = _reductions(node)
        split_start, started = beam_split(args.beam_pid), time.monotonic()
        for _ in range(rounds):
            round_(args.batch)
        time.sleep(0.5)  # what the broker does after the last ack (a sync of the index) is counted too
        reductions = _reductions(node) - reductions_start
        if by_process:
            by_process.print(rounds * args.batch)
        user, system = (after - before for after, before in zip(beam_split(args.beam_pid), split_start))
        cpu, seconds = user + system, time.monotonic() - started
        for _, connection, consumer in connections:
            consumer.cancel()
            connection.release()
        publisher.release()
        count = rounds * args.batch
        return {"variant": variant, "events": count, "deliveries": count * len(consumers), "seconds": seconds,
                "beam_cpu_s": cpu, "us_per_event": cpu / count * 1e6, "user_us": user / count * 1e6,
                "system_us": system / count * 1e6, "reductions": reductions / count}
    finally:
        os.environ.pop("BAPAS_QUEUE_TYPE", None)
        _ctl(node, "delete_vhost", vhost)


def _vhost(args, variant: str) -> str:
    node, vhost = args.node, f"cpu-{variant}-{uuid.uuid4().hex[:6]}"
    _ctl(node, "add_vhost", vhost)
    _ctl(node, "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    if variant.startswith("v2"):
        _ctl(node, "set_policy", "-p", vhost, "--apply-to", "queues", "cq-v2", r"\.(events|dead)$",
             '{"queue-version": 2}')
    if variant.startswith("lazy"):
        _ctl(node, "set_policy", "-p", vhost, "--apply-to", "queues", "lazy", r"\.(events|dead)$",
             '{"queue-mode": "lazy"}')
    return vhost


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--broker", default="amqp://guest:guest@127.0.0.1:5772")
    parser.add_argument("--node", default="rabbitown@localhost")
    parser.add_argument("--beam-pid", type=int, required=True)
    parser.add_argument("--kind", choices=sorted(KINDS), default="client")
    parser.add_argument("--rate", type=float, default=300)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--variant", action="append", default=[])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--lockstep", action="store_true", help="fixed batches (--batch) in one process")
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--by-process", action="store_true", help="reductions per Erlang process kind too")
    parser.add_argument("--events", type=int, default=2000)
    args = parser.parse_args()
    for round_ in range(args.rounds):
        for variant in args.variant or ["v1"]:
            if args.lockstep:
                r = lockstep(args, variant)
                print(f"round {round_ + 1} {r['variant']:>8} {args.kind} batch {args.batch}: {r['events']} events "
                      f"({r['deliveries']} deliveries) in {r['seconds']:.1f}s; beam {r['beam_cpu_s']:.2f}s CPU = "
                      f"{r['us_per_event']:.0f} µs/event (user {r['user_us']:.0f}, system {r['system_us']:.0f}); "
                      f"{r['reductions']:,.0f} reductions/event", flush=True)
                continue
            r = run_once(args, variant)
            print(f"round {round_ + 1} {r['variant']:>8} {args.kind}: {r['events']} events "
                  f"({r['deliveries']} deliveries) in {r['seconds']:.1f}s; beam {r['beam_cpu_s']:.2f}s CPU = "
                  f"{r['us_per_event']:.0f} µs/event ({r['us_per_event_less_idle']:.0f} less idle "
                  f"{r['idle_cpu_per_s'] * 1e3:.0f} ms/s), {r['reductions']:,.0f} reductions/event; relay and "
                  f"consumers {r['workers_us']:.0f} µs/event; "
                  f"consumed {r['consumed']}, left {r['left_in_queues']}", flush=True)


if __name__ == "__main__":
    main()
