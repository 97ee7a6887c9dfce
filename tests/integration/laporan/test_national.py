"""A national laporan: events of several regions, each office placed in the region of the events that
named it; /reports/regions sums each region's offices, and the total is the sum of the regions."""
import pytest

from tests.integration.laporan.conftest import bearer
from tests.support.laporan_world import World


def region_month(world: World, office: str, clients: int) -> None:
    group = world.group(office=office)["data"]["id"]
    program = world.new_program()
    world.agreement(group, [(program, "kemandirian")])
    for _ in range(clients):
        client = world.client(office=office)["data"]["id"]
        world.enrollment(client, program, group)


def test_each_region_and_the_total(applier, http):
    sumsel, jabar = World(region="sumsel"), World(region="jabar")
    region_month(sumsel, "palembang", 3)
    region_month(sumsel, "baturaja", 1)
    region_month(jabar, "bandung", 2)
    for event in sumsel.events + jabar.events:
        applier.apply(event)
    response = http.get("/reports/regions", query_string={"month": "2026-11"}, headers=bearer("officer"))
    assert response.status_code == 200, response.get_json()
    got = response.get_json()
    regions = {entry["region"]: entry for entry in got["regions"]}
    assert set(regions) == {"sumsel", "jabar"}
    assert regions["sumsel"]["offices"] == ["baturaja", "palembang"] and regions["jabar"]["offices"] == ["bandung"]
    assert [regions[r]["clients"]["registered"] for r in ("sumsel", "jabar")] == [4, 2]
    assert [regions[r]["enrollments"]["created"] for r in ("sumsel", "jabar")] == [4, 2]
    assert got["total"]["clients"]["registered"] == 6 and got["total"]["enrollments"]["active_at_end"] == 6
    assert http.get("/reports/monthly", query_string={"month": "2026-11", "bapas_office": "bandung"},
                    headers=bearer()).get_json()["clients"]["registered"] == 2


@pytest.mark.parametrize("query, status", [({"month": "2026-13"}, 422), ({}, 422),
                                           ({"month": "2026-11", "region": "x"}, 422)])
def test_bad_queries_are_422(http, query, status):
    response = http.get("/reports/regions", query_string=query, headers=bearer())
    assert response.status_code == status and response.content_type == "application/problem+json"


def test_a_partner_may_not_read_it(http):
    assert http.get("/reports/regions", query_string={"month": "2026-11"},
                    headers=bearer("partner", group_id=World.new_program())).status_code == 403
