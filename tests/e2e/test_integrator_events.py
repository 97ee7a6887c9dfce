"""What an integrator reads matches what the services document: every event in every service's
/events feed validates against that service's /asyncapi.json."""
from tests.support import ops_asyncapi
from tests.support.ops_flow import feed, guidance_flow


def test_every_published_event_matches_the_schema_its_service_documents(admin):
    made = guidance_flow(admin)
    seen = {}
    for name in ("klien", "pokmas", "bimbingan"):
        client = getattr(admin, name)
        document = client.get("/asyncapi.json").json()
        assert ops_asyncapi.problems(document) == []
        for event in feed(client):
            assert ops_asyncapi.errors(document, event) == [], event["type"]
            seen.setdefault(event["subject"], set()).add(event["type"])
    assert "pokmas.group.registered" in seen[made["group"]]
    assert "pokmas.agreement.activated" in seen[made["agreement"]]
    assert "klien.client.registered" in seen[made["client"]]
    assert {"bimbingan.enrollment.created", "bimbingan.attendance.recorded",
            "bimbingan.enrollment.completed"} <= seen[made["enrollment"]]
    assert "bimbingan.session.scheduled" in seen[made["session"]]
