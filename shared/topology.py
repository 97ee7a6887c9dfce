"""Every consuming service's queue, declared by every relay before it publishes.

A topic exchange drops a message no queue is bound to. If a service's relay published
before another service's worker had declared its queue (first start, a new region, a
worker scaled to zero), that service would never see the event. So publishers declare
the consumers' durable queues too; declaring is idempotent.
"""
from shared import broker
from shared.config import SERVICES


def consumer_queues(runtime) -> list:
    from shared import service  # late import: service definitions import the HTTP layer
    queues = []
    for name in SERVICES:
        # Handler factories only build closures; the keys (event types) are all we read here.
        routing_keys = list(service.load(name).handlers(runtime))
        if routing_keys:
            queues.append(broker.events_queue(name, routing_keys))
            queues.append(broker.dead_queue(name))
    return queues
