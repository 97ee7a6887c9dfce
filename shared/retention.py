"""Outbox retention: events older than BAPAS_EVENTS_RETENTION_DAYS and already published
leave the /events feed (and its id index)."""
import time

from shared.keys import BackboneKeys


def trim_outbox(client, service: str, retention_days: int, batch: int = 1000) -> int:
    keys = BackboneKeys(service)
    cutoff_ms = int((time.time() - retention_days * 86400) * 1000)
    published = client.get(keys.relay_position) or "0-0"
    limit = min(f"{cutoff_ms}-0", published, key=_stream_order)
    removed = 0
    while True:
        entries = client.xrange(keys.outbox, min="-", max=limit, count=batch)
        if not entries:
            return removed
        pipe = client.pipeline(transaction=True)
        pipe.hdel(keys.outbox_index, *[fields["id"] for _, fields in entries])
        pipe.xdel(keys.outbox, *[stream_id for stream_id, _ in entries])
        pipe.execute()
        removed += len(entries)


def _stream_order(stream_id: str) -> tuple[int, int]:
    ms, _, seq = stream_id.partition("-")
    return int(ms), int(seq or 0)
