"""The data-subject export (UU 27/2022): what klien holds about a client, plus what bimbingan and
pokmas hold about that client's guidance, read over their HTTP APIs with klien's service token.
If either cannot be reached the export is refused (503), never handed out incomplete."""
import requests

from shared.errors import Unavailable
from shared.feed import service_token
from shared.ids import is_uuid

PAGE = 500
RETRY_AFTER_SECONDS = 5


class Gatherer:
    def __init__(self, settings, session=None, timeout: float = 3.0):
        self.settings = settings
        self.urls = settings.urls
        self.http = session or requests.Session()
        self.timeout = timeout

    def gather(self, client_id: str) -> dict:
        enrollments = self.enrollments(client_id)
        return {"bimbingan": {"enrollments": enrollments}, "pokmas": self.partners(enrollments)}

    def enrollments(self, client_id: str) -> list[dict]:
        items, cursor = [], None
        while True:
            params = {"client_id": client_id, "limit": PAGE, **({"cursor": cursor} if cursor else {})}
            body = self._get("bimbingan", "/enrollments", params)
            if body is None:
                raise Unavailable("bimbingan does not list enrollments by client; the export needs it",
                                  retry_after=RETRY_AFTER_SECONDS)
            items += body.get("items", [])
            cursor = body.get("next_cursor")
            if not cursor:
                break
        # GET by id carries the attendance marks the list leaves out.
        return [self._get("bimbingan", f"/enrollments/{e['id']}") or e for e in items if is_uuid(e.get("id"))]

    def partners(self, enrollments: list[dict]) -> dict:
        def fetch(path: str, field: str) -> list[dict]:
            ids = sorted({e.get(field) for e in enrollments if is_uuid(e.get(field))})
            return [found for found in (self._get("pokmas", f"{path}/{i}") for i in ids) if found]

        return {"groups": fetch("/groups", "group_id"), "agreements": fetch("/agreements", "agreement_id")}

    def _get(self, service: str, path: str, params: dict | None = None) -> dict | None:
        """The JSON body, or None for a 404; Unavailable for anything that stops a complete export."""
        base = self.urls.get(service)
        if not base:
            raise Unavailable(f"{service}'s address is not configured; the export needs it",
                              retry_after=RETRY_AFTER_SECONDS)
        try:
            # A token of its own for each call: service tokens live minutes, the Gatherer as long as the app.
            headers = {"Authorization": f"Bearer {service_token(self.settings, 'klien')}"}
            response = self.http.get(base.rstrip("/") + path, params=params, headers=headers, timeout=self.timeout)
            if response.status_code == 404:
                return None
            if response.status_code == 200:
                return response.json()
        except (requests.RequestException, ValueError) as exc:
            raise Unavailable(f"cannot reach {service} for the export ({type(exc).__name__}); try again",
                              retry_after=RETRY_AFTER_SECONDS) from None
        raise Unavailable(f"{service} answered {response.status_code} to the export; try again",
                          retry_after=RETRY_AFTER_SECONDS)
