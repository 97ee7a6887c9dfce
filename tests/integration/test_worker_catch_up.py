"""A worker reads its sources' feeds as soon as it starts and whenever its broker connection comes
back, not only at the next periodic catch-up (issue 14, item 12): after a crash, a message the broker
lost is in the view within seconds.

The source (bimbingan) runs no worker here, so its events exist only in its /events feed; the
periodic catch-up is marked as just done, as a worker killed a moment ago leaves it."""
import os
import subprocess
import sys
import threading
import uuid

import pytest
import redis
from werkzeug.serving import make_server

from services.bimbingan.app import SERVICE as BIMBINGAN
from shared.config import Settings
from shared.keys import BackboneKeys
from shared.redis_tx import transact
from shared.runtime import build_runtime
from shared.service import create_app
from tests.support.faults_proxy import TcpProxy
from tests.support.client import REGION, SECRET, ServiceApp
from tests.support.klien_data import client_body, enrollment_data
from tests.support.poll import eventually
from tests.support.ports import free_port

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def bimbingan_feed(redis_url):
    settings = Settings(redis_url=redis_url, region=REGION, jwt_secret=SECRET)
    server = make_server("127.0.0.1", free_port(), create_app(BIMBINGAN, settings), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", build_runtime("bimbingan", BIMBINGAN.catalog, settings)
    server.shutdown()


@pytest.fixture
def broker(redis_server):
    proxy = TcpProxy(redis_server.port)
    yield proxy, f"redis://127.0.0.1:{proxy.port}/1"
    proxy.close()


@pytest.fixture
def klien_worker(redis_url, bimbingan_feed, broker, tmp_path):
    """`bapas worker klien`, started after a worker that ran the periodic catch-up a moment ago."""
    direct = redis.Redis.from_url(redis_url, decode_responses=True)
    direct.set(BackboneKeys("klien").schedule("feed-catch-up-bimbingan"), "1", ex=600)

    def start():
        env = {**os.environ, "REDIS_URL": redis_url, "BROKER_URL": broker[1], "BAPAS_REGION": REGION,
               "BAPAS_JWT_SECRET": SECRET, "BIMBINGAN_URL": bimbingan_feed[0], "POKMAS_URL": "http://127.0.0.1:9"}
        return subprocess.Popen([sys.executable, "-m", "shared.cli", "worker", "klien"], cwd=ROOT, env=env,
                                stdout=open(tmp_path / "worker.log", "ab"), stderr=subprocess.STDOUT)
    def started():
        """Started, and alive: its first heartbeat is written (Python's imports alone take seconds here)."""
        processes.append(start())
        eventually(lambda: direct.hlen(BackboneKeys("klien").workers) > 0, timeout=60, interval=0.02)
        return processes[-1]

    processes = []
    yield started
    for process in processes:
        process.terminate()
        process.wait(timeout=15)


def enrolled_in_bimbingan_only(runtime, client_id: str) -> None:
    """An enrollment event in bimbingan's outbox and feed, never published to the broker."""
    enrollment = enrollment_data(client_id)

    def work(pipe):
        pipe.multi()
        runtime.outbox.stage(pipe, type="bimbingan.enrollment.created", subject=enrollment["id"], sequence=1,
                             data=enrollment, correlation_id=str(uuid.uuid4()))
    transact(runtime.redis, work)


def active_enrollments(admin, client_id: str) -> int:
    return admin.get(f"/clients/{client_id}").get_json()["guidance"]["active_enrollments"]


def test_a_starting_worker_catches_up_from_the_feeds_at_once(redis_url, bimbingan_feed, klien_worker):
    admin = ServiceApp("klien", redis_url).as_("admin")
    client = admin.created("/clients", client_body())
    enrolled_in_bimbingan_only(bimbingan_feed[1], client["id"])
    klien_worker()
    eventually(lambda: active_enrollments(admin, client["id"]) == 1, timeout=5)


def test_a_worker_catches_up_when_its_broker_connection_comes_back(redis_url, bimbingan_feed, broker,
                                                                   klien_worker):
    admin = ServiceApp("klien", redis_url).as_("admin")
    client = admin.created("/clients", client_body())
    klien_worker()
    enrolled_in_bimbingan_only(bimbingan_feed[1], client["id"])
    eventually(lambda: active_enrollments(admin, client["id"]) == 1, timeout=5)   # the start's catch-up
    proxy = broker[0]
    proxy.cut()
    enrolled_in_bimbingan_only(bimbingan_feed[1], client["id"])   # lost with the broker, say
    threading.Event().wait(2)
    proxy.restore()
    eventually(lambda: active_enrollments(admin, client["id"]) == 2, timeout=10)
