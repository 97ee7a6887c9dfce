"""What an integrator reads matches what the services document: every event in every service's
/events feed validates against that service's /asyncapi.json; and an operator's view rebuild
leaves what was right as it was."""
import re
import subprocess
import sys

import pytest

from tests.support import ops_asyncapi
from tests.support.ops_flow import feed, guidance_flow
from tests.support.poll import eventually


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


def test_rebuilding_views_while_the_stack_serves_changes_nothing_that_was_right(stack, admin):
    if not hasattr(stack, "env"):
        pytest.skip("runs `bapas rebuild-views` on this host against the local stack's Redis")
    made = guidance_flow(admin)

    def guidance():
        view = admin.klien.get(f"/clients/{made['client']}").json()["guidance"]
        assert view["completed_programs"] == 1 and view["sessions_attended"] == 1
        return view

    before = eventually(guidance, timeout=20)
    enrollment = admin.bimbingan.get(f"/enrollments/{made['enrollment']}").json()
    env = {**stack.env(), "REDIS_URL": stack.redis_url}
    for service in ("klien", "bimbingan", "klien"):
        done = subprocess.run([sys.executable, "-m", "shared.cli", "rebuild-views", service], env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert re.search(r"re-applied [1-9]\d* event\(s\)", done.stdout), done.stdout
    assert guidance() == before
    assert admin.bimbingan.get(f"/enrollments/{made['enrollment']}").json() == enrollment
