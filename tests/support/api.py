"""A small HTTP client for the services, as a user (or an integrator) calls them."""
import requests

from shared import auth


class ServiceClient:
    def __init__(self, base_url: str, token: str | None = None):
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()
        if token:
            self.http.headers["Authorization"] = f"Bearer {token}"

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 10)
        return self.http.request(method, self.base_url + path, **kwargs)

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json=None, **kwargs):
        return self.request("POST", path, json=json, **kwargs)

    def patch(self, path: str, json=None, **kwargs):
        return self.request("PATCH", path, json=json, **kwargs)

    def created(self, path: str, json) -> dict:
        """POST that must answer 201; returns the body."""
        response = self.post(path, json=json)
        assert response.status_code == 201, f"POST {path}: {response.status_code} {response.text}"
        return response.json()


def token(secret: str, region: str, role: str = "admin", sub: str = "tester", group_id: str | None = None) -> str:
    return auth.issue_token(secret, role=role, sub=sub, region=region, group_id=group_id)
