"""The export's reader of bimbingan and pokmas signs a token for each call: service tokens live
five minutes, the reader as long as the app (a token made once was refused after five minutes)."""
import time

import jwt

from services.klien.export import Gatherer
from shared.config import Settings


class RecordingSession:
    def __init__(self):
        self.tokens = []

    def get(self, url, params=None, headers=None, timeout=None):
        self.tokens.append(headers["Authorization"].split(" ", 1)[1])
        return type("Response", (), {"status_code": 404})()


def test_each_call_carries_a_token_made_for_it(monkeypatch):
    settings = Settings(jwt_secret="s", region="sumsel", urls={"bimbingan": "http://b", "pokmas": "http://p"})
    session = RecordingSession()
    gatherer = Gatherer(settings, session=session)
    later = time.time() + 3600
    monkeypatch.setattr(time, "time", lambda: later)
    gatherer._get("bimbingan", "/enrollments/x")
    claims = jwt.decode(session.tokens[0], "s", algorithms=["HS256"], options={"verify_exp": False,
                                                                              "verify_iat": False})
    assert claims["iat"] >= int(later) and claims["exp"] > later
