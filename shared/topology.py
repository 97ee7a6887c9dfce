"""Every consuming service's queue, declared by every relay before it publishes.

A topic exchange drops a message no queue is bound to. If a service's relay published
before another service's worker had declared its queue (first start, a new region, a
worker scaled to zero), that service would never see the event. So publishers declare
the consumers' durable queues too; declaring is idempotent. The routing keys come from
each service's declared subscriptions (shared/subscriptions.py), read without importing it.
"""
from shared import broker
from shared.config import SERVICES, national_regions
from shared.subscriptions import declared


def consumer_queues(service: str) -> list:
    """A national view's broker gathers every region's events (docs/operations.md): there only the
    views it runs may have queues, or the others' would fill up with events nobody consumes."""
    queues = []
    for name in (service,) if national_regions() else SERVICES:
        routing_keys = declared(name)
        if routing_keys:
            queues.append(broker.events_queue(name, routing_keys))
            queues.append(broker.dead_queue(name))
    return queues
