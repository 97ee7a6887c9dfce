"""What the events do not carry, read from its owner over HTTP with laporan's service token, by the
worker (never by a request): group names from pokmas (a name is not in pokmas's events), and the
attendance marks of a suspect enrollment from bimbingan (see usecases.enrollment_changed)."""
import logging

import requests

from services.laporan import keys, usecases
from services.laporan.repository import Tx
from shared.errors import Unavailable
from shared.feed import service_token
from shared.keys import BackboneKeys
from shared.redis_tx import transact

log = logging.getLogger(__name__)


class Owners:
    def __init__(self, settings, session=None, timeout: float = 3.0):
        self.settings = settings
        self.http = session or requests.Session()
        self.timeout = timeout

    def get(self, service: str, path: str) -> dict | None:
        """The JSON body, or None for a 404; Unavailable when the owner cannot answer now."""
        headers = {"Authorization": f"Bearer {service_token(self.settings, 'laporan')}"}
        try:
            response = self.http.get(self.settings.urls[service].rstrip("/") + path, headers=headers,
                                     timeout=self.timeout)
        except requests.RequestException as exc:
            raise Unavailable(f"cannot reach {service}: {type(exc).__name__}") from None
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise Unavailable(f"{service} answered {response.status_code} for {path}")
        return response.json()


def read_group_names(client, owners: Owners) -> int:
    """Name every group whose name is wanted; a name read before the group changed again stays wanted."""
    named = 0
    for group_id, sequence in client.hgetall(keys.NAMES_WANTED).items():
        group = owners.get("pokmas", f"/groups/{group_id}")
        if group is None:
            continue

        def work(pipe, group_id=group_id, sequence=sequence, name=group["name"]):
            if pipe.hget(keys.NAMES_WANTED, group_id) != sequence:
                return 0
            pipe.multi()
            pipe.hset(keys.GROUP_NAMES, group_id, name)
            pipe.hdel(keys.NAMES_WANTED, group_id)
            return 1

        named += transact(client, work, keys.NAMES_WANTED)
    return named


def repair_suspect_marks(client, owners: Owners, tz, service: str = "laporan") -> int:
    """Replace a suspect enrollment's marks with bimbingan's, unless newer events were applied since."""
    repaired = 0
    for enrollment_id in sorted(client.smembers(keys.SUSPECT)):
        enrollment = owners.get("bimbingan", f"/enrollments/{enrollment_id}")
        if enrollment is None:
            log.warning("laporan: bimbingan does not know enrollment %s; its marks stay as events gave them",
                        enrollment_id)
            continue
        marks = {m["session_id"]: m["attendance"] for m in enrollment.get("attendance", [])}
        applied_key = BackboneKeys(service).applied(enrollment_id)

        def work(pipe, enrollment_id=enrollment_id, marks=marks, version=int(enrollment["version"])):
            applied = pipe.get(applied_key)
            if applied is not None and int(applied) > version:
                return 0  # events newer than what was read were applied meanwhile: read again next time
            tx = Tx(pipe, tz)
            usecases.marks_read_from_owner(tx, enrollment_id, marks)
            tx.commit()
            return 1

        repaired += transact(client, work, applied_key)
    return repaired
