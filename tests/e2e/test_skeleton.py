"""The walking skeleton across the three services, over both brokers: a client registered in
klien reaches bimbingan's replica, a program activated in pokmas reaches it too, and the
enrollment made in bimbingan reaches klien's guidance view and pokmas's utilization view."""
import uuid

import pytest

from tests.support.client import ServiceClient, token
from tests.support.local_stack import LocalStack
from tests.support.poll import eventually


def new_client_body() -> dict:
    return {"register_number": f"SKEL-{uuid.uuid4().hex[:8]}", "name": "Budi Santoso", "supervision_type": "PB",
            "officer_id": "pk-1", "nik": f"{uuid.uuid4().int % 10**16:016d}", "birth_date": "1980-01-01",
            "sex": "L", "address": "Jl. Merdeka 1", "offence_category": "theft",
            "decree": {"number": "PAS-1/2026", "date": "2026-01-01"}, "supervision_start": "2026-01-02",
            "supervision_end": "2027-01-01", "bapas_office": "palembang"}


def walk(klien: ServiceClient, pokmas: ServiceClient, bimbingan: ServiceClient) -> None:
    client = klien.created("/clients", new_client_body())
    group = pokmas.created("/groups", {"name": f"Yayasan Skeleton {uuid.uuid4().hex[:6]}", "legal_form": "yayasan",
                                       "address": "Jl. Mawar 2", "contact": "0711-123456",
                                       "bapas_office": "palembang"})
    agreement = pokmas.created("/agreements", {
        "group_id": group["id"], "number": f"PKS-{uuid.uuid4().hex[:8]}", "signed_on": "2026-01-01",
        "valid_from": "2026-01-01", "valid_until": "2030-12-31",
        "programs": [{"name": "Budidaya lele", "guidance_type": "kemandirian", "capacity": 5}]})
    assert pokmas.post(f"/agreements/{agreement['id']}/activate").status_code == 200
    program_id = agreement["programs"][0]["id"]
    enrollment = bimbingan.created("/enrollments", {"client_id": client["id"], "program_id": program_id})
    assert enrollment["status"] == "enrolled"

    def views_show_it():
        guidance = klien.get(f"/clients/{client['id']}").json()["guidance"]
        assert guidance["active_enrollments"] == 1
        assert guidance["enrollments"][0]["enrollment_id"] == enrollment["id"]
        program = next(p for p in pokmas.get(f"/agreements/{agreement['id']}").json()["programs"]
                       if p["id"] == program_id)
        assert program["utilization"] == {"enrolled": 1, "active": 1, "completed": 0, "withdrawn": 0}
        return True

    eventually(views_show_it, timeout=15)


def test_the_skeleton_flow_over_the_stacks_broker(admin):
    walk(admin.klien, admin.pokmas, admin.bimbingan)


def test_the_skeleton_flow_over_rabbitmq(request, stack):
    if not isinstance(stack, LocalStack):
        pytest.skip("the compose stack already runs on RabbitMQ")
    vhost = request.getfixturevalue("rabbitmq_vhost")
    rabbit_stack = LocalStack(broker_url=vhost.url).start()
    try:
        bearer = token(sub="skeleton", secret=rabbit_stack.jwt_secret, region=rabbit_stack.region)
        walk(*(ServiceClient(rabbit_stack.url(name), bearer) for name in ("klien", "pokmas", "bimbingan")))
    finally:
        rabbit_stack.cleanup()


def test_every_service_is_ready_and_documents_itself(stack, admin):
    import requests
    for client in (admin.klien, admin.pokmas, admin.bimbingan):
        assert requests.get(client.base_url + "/readyz", timeout=5).json()["status"] == "ready"
        assert client.get("/openapi.json").json()["openapi"].startswith("3.")
        assert client.get("/asyncapi.json").json()["asyncapi"] == "3.0.0"
