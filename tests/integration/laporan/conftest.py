import pytest

from services.laporan import app as laporan_app, handlers
from shared import auth, clock, redis_tx
from shared.config import SERVICES, Settings
from shared.inbox import Applier
from tests.support.laporan_world import REGION, World

SECRET = "laporan-test-secret"


@pytest.fixture
def settings(redis_url):
    return Settings(redis_url=redis_url, broker_url=redis_url, region=REGION, jwt_secret=SECRET,
                    urls={name: "http://127.0.0.1:1" for name in SERVICES})


@pytest.fixture
def applier(redis_url):
    return Applier(redis_tx.connect(redis_url), service="laporan", handlers=handlers.build(clock.zone()))


@pytest.fixture
def http(settings):
    return laporan_app.create_app(settings).test_client()


@pytest.fixture
def world():
    return World()


def bearer(role: str = "auditor", **claims) -> dict:
    return {"Authorization": "Bearer " + auth.issue_token(SECRET, role=role, sub=f"t-{role}", region=REGION,
                                                          **claims)}


@pytest.fixture
def report(http):
    def get(month="2026-11", office="palembang", **params):
        response = http.get("/reports/monthly", query_string={"month": month, "bapas_office": office, **params},
                            headers=bearer())
        assert response.status_code == 200, response.get_json()
        return response.get_json()
    return get
