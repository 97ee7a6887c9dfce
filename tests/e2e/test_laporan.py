"""laporan on the running stack: a month of activity made through the owners' APIs, and every figure
of the monthly report held against counts taken from the owners' own endpoints; the same after the
laporan worker was killed mid-stream and after its views were wiped and rebuilt; the workbook."""
import io
import subprocess
import sys
import threading

import pytest
import redis
from openpyxl import load_workbook

from tests.support.client import ServiceClient
from tests.support.laporan_story import MonthOfActivity, Owners
from tests.support.poll import eventually

# The worker reads group names and suspect marks from the owners every 30 s: one period, and some.
CONVERGE_SECONDS = 90


@pytest.fixture(scope="module")
def laporan(stack, tokens):
    return ServiceClient(stack.url("laporan"), tokens("auditor", "e2e-auditor"))


def report(laporan, office: str, month: str) -> dict:
    response = laporan.get("/reports/monthly", params={"month": month, "bapas_office": office})
    assert response.status_code == 200, response.text
    body = response.json()
    body.pop("produced_at")
    return body


def exact(laporan, owners: Owners, activity: MonthOfActivity) -> bool:
    owners.gather()
    for office in (activity.office, activity.group_office):
        for month in (activity.month, activity.this_month):
            assert report(laporan, office, month) == owners.report(office, month), (office, month)
    return True


def test_every_figure_matches_the_owners_also_after_a_killed_worker_and_a_rebuild(stack, admin, laporan):
    activity = MonthOfActivity(admin)
    activity.begin()
    activity.first_half()
    owners = Owners(admin, activity)
    eventually(lambda: exact(laporan, owners, activity), timeout=CONVERGE_SECONDS, interval=1)
    figures = report(laporan, activity.office, activity.month)
    assert figures["attendance"]["present"] > 0 and figures["clients"]["registered"] > 0

    if hasattr(stack, "kill_worker"):
        writing = threading.Thread(target=activity.second_half)
        writing.start()
        stack.kill_worker("laporan")
        writing.join(timeout=120)
    else:  # the compose stack: restart the worker container while the second half is written
        writing = threading.Thread(target=activity.second_half)
        writing.start()
        stack.restart("laporan-worker", wait=False)
        writing.join(timeout=120)
    eventually(lambda: exact(laporan, owners, activity), timeout=CONVERGE_SECONDS, interval=1)
    ended = report(laporan, activity.office, activity.month)["clients"]["ended"]
    assert ended == {"completed": 1, "revoked": 1, "transferred": 1}

    if not hasattr(stack, "env"):
        return  # the rebuild runs `bapas rebuild-views` on this host against the local stack's Redis
    store = redis.Redis.from_url(stack.redis_url)
    store.delete(*store.keys("laporan:*"))
    assert report(laporan, activity.office, activity.month)["clients"]["registered"] == 0
    done = subprocess.run([sys.executable, "-m", "shared.cli", "rebuild-views", "laporan"],
                          env={**stack.env(), "REDIS_URL": stack.redis_url}, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    eventually(lambda: exact(laporan, owners, activity), timeout=CONVERGE_SECONDS, interval=1)


def test_the_workbook_holds_the_same_figures(stack, admin, laporan, tokens):
    activity = MonthOfActivity(admin)
    activity.begin()
    activity.first_half()
    owners = Owners(admin, activity)
    eventually(lambda: exact(laporan, owners, activity), timeout=CONVERGE_SECONDS, interval=1)
    response = laporan.get("/reports/monthly", params={"month": activity.month, "bapas_office": activity.office,
                                                        "format": "xlsx"})
    assert response.status_code == 200
    assert f"laporan-bulanan-{activity.month}-bapas-e2e-{activity.tag}.xlsx" in \
        response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    expected = owners.report(activity.office, activity.month)
    attendance = {row[0]: row[1] for row in book["Kehadiran"].iter_rows(min_row=7, values_only=True)}
    assert attendance == {"Hadir": expected["attendance"]["present"], "Terlambat": expected["attendance"]["late"],
                          "Tidak hadir": expected["attendance"]["absent"], "Izin": expected["attendance"]["excused"]}
    partner = ServiceClient(stack.url("laporan"), tokens("partner", "p", group_id=activity.group["id"]))
    assert partner.get("/reports/monthly", params={"month": activity.month,
                                                   "bapas_office": activity.office}).status_code == 403
