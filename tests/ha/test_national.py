"""The national view: two regions (sumsel, jabar), each with its own broker and `bapas.events`; a national
broker federates both, and a national laporan (BAPAS_NATIONAL_REGIONS) reports per region and in total.

Each region registers clients in its own office and enrolls them; then the national report places
each office in its region, each region's figures equal what that region holds, the total is their
sum, and the national laporan applied every one of the regions' events exactly once.
"""
import re
from collections import Counter

import pytest

from tests.support import faults_payloads as payloads
from tests.support.client import ServiceClient, token
from tests.support.poll import eventually

PER_REGION = 10
OFFICES = {"sumsel": "BAPAS Palembang", "jabar": "BAPAS Bandung"}
REGISTERED_MONTH = "2026-01"          # payloads.client()'s supervision_start
LAPORAN_TYPES = ("klien.client.registered", "pokmas.group.registered", "pokmas.agreement.activated",
                 "bimbingan.enrollment.created")


def write_region(project, office: str) -> dict:
    klien, pokmas, bimbingan = (project.client(name) for name in ("klien", "pokmas", "bimbingan"))
    group = pokmas.created("/groups", {**payloads.group(), "bapas_office": office})
    agreement = pokmas.created("/agreements", payloads.agreement(group["id"], 1, 1000))
    assert pokmas.post(f"/agreements/{agreement['id']}/activate").status_code == 200
    program_id = agreement["programs"][0]["id"]
    enrollments = []
    for _ in range(PER_REGION):
        client = klien.created("/clients", {**payloads.client(), "bapas_office": office})
        enrollments.append(eventually(lambda: _enrolled(bimbingan, client["id"], program_id), timeout=60))
    return {"clients": PER_REGION, "enrollments_by_month": Counter(e["start_date"][:7] for e in enrollments)}


def _enrolled(bimbingan, client_id: str, program_id: str):
    """The client's event may still be on its way to bimbingan (409 until then): a bounded retry."""
    response = bimbingan.post("/enrollments", json={"client_id": client_id, "program_id": program_id})
    assert response.status_code == 201, response.text
    return response.json()


def feed(client: ServiceClient) -> list[dict]:
    events, after = [], None
    while True:
        page = client.get("/events", params={"limit": 1000, **({"after": after} if after else {})}).json()
        events += page["items"]
        after = page["next_after"]
        if not after:
            return events


def national_report(national, month: str) -> dict:
    laporan = ServiceClient(national.url("laporan"), token(role="auditor", sub="ha-national",
                                                           secret=national.jwt_secret, region=national.region))
    response = laporan.get("/reports/regions", params={"month": month})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.timeout(1500)   # four stacks' build (from the layer cache) and start count too
def test_both_regions_arrive_once_with_their_region_and_the_total_is_their_sum(national_stacks):
    national, regions = national_stacks
    written = {region: write_region(project, OFFICES[region]) for region, project in regions.items()}
    months = sorted({REGISTERED_MONTH, *(m for w in written.values() for m in w["enrollments_by_month"])})

    def arrived() -> dict:
        reports = {month: national_report(national, month) for month in months}
        for month, report in reports.items():
            by_region = {entry["region"]: entry for entry in report["regions"]}
            assert set(by_region) == set(regions), report["regions"]
            for region in regions:
                assert by_region[region]["offices"] == [OFFICES[region]]
                registered = written[region]["clients"] if month == REGISTERED_MONTH else 0
                assert by_region[region]["clients"]["registered"] == registered, (month, region)
                assert by_region[region]["enrollments"]["created"] == \
                    written[region]["enrollments_by_month"].get(month, 0), (month, region)
            for part in ("clients", "enrollments", "attendance", "reporting"):
                summed = {key: sum(by_region[r][part][key] for r in regions)
                          for key in report["total"][part] if isinstance(report["total"][part][key], int)}
                assert summed == {key: value for key, value in report["total"][part].items()
                                  if isinstance(value, int)}, part
        return reports

    reports = eventually(arrived, timeout=180, interval=1)
    log = national.logs("laporan-worker")
    outcomes = Counter()
    for region, project in regions.items():
        events = [e for name in ("klien", "pokmas", "bimbingan") for e in feed(project.client(name))
                  if e["type"] in LAPORAN_TYPES]
        assert {e["region"] for e in events} == {region}
        for event in events:
            # "consumer laporan: applied <type> ..." for a lone event; a batch's line lists "..., applied <type> ..."
            pattern = rf"(?:consumer laporan: |events: |, )(applied|duplicate|stale) {re.escape(event['type'])} " \
                      rf"{event['subject']} seq={event['sequence']}\b"
            seen = Counter(re.findall(pattern, log))
            assert seen["applied"] == 1, f"{region} {event['type']} {event['subject']}: {dict(seen)}"
            outcomes.update({f"{region} {outcome}": n for outcome, n in seen.items()})

    total = reports[REGISTERED_MONTH]["total"]
    print(f"\nnational view of {', '.join(regions)}: {dict(outcomes)} (events laporan consumes, by how the "
          f"national laporan took them)")
    for month, report in reports.items():
        print(f"{month}: " + "; ".join(f"{e['region']} {e['offices']} clients registered {e['clients']['registered']}, "
                                       f"enrollments created {e['enrollments']['created']}" for e in report["regions"])
              + f"; total clients registered {report['total']['clients']['registered']}, "
                f"enrollments created {report['total']['enrollments']['created']}")
    assert total["clients"]["registered"] == PER_REGION * len(regions)
