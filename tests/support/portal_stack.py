"""The portal's browser tier: the whole local stack with a PK, an auditor, two partner groups and an
active agreement, made through the services' own APIs and `bapas user add`."""
import os
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

import requests

from shared.auth import issue_token
from tests.support.local_stack import ROOT, LocalStack

PASSWORD = "walk-password-123"


def user_add(stack: LocalStack, username: str, role: str, **options) -> None:
    args = [sys.executable, "-m", "shared.cli", "user", "add", "--username", username, "--role", role,
            "--password-stdin"]
    for name, value in options.items():
        args += [f"--{name.replace('_', '-')}", value]
    env = {**stack.env(), "REDIS_URL": stack.redis_url}
    subprocess.run(args, input=PASSWORD + "\n", text=True, env=env, cwd=ROOT, check=True, capture_output=True)


class Seed:
    """Two groups, each with an active PKS and one program; what the walk needs to exist already."""

    def __init__(self, stack: LocalStack):
        self.stack = stack
        self.token = issue_token(stack.jwt_secret, role="admin", sub="seed-admin", region=stack.region)

    def _post(self, path: str, body: dict | None = None) -> dict:
        answer = requests.post(self.stack.pokmas_url + path, json=body or {}, timeout=10,
                               headers={"Authorization": f"Bearer {self.token}"})
        answer.raise_for_status()
        return answer.json()

    def group_with_program(self, name: str, number: str, program: str) -> tuple[str, str]:
        group = self._post("/groups", {"name": name, "legal_form": "pesantren", "address": "Jl. Merdeka 1",
                                       "contact": "Ust. Ahmad 0812", "bapas_office": "Bapas Palembang"})
        today = date.today()
        agreement = self._post("/agreements", {
            "group_id": group["id"], "number": number, "signed_on": (today - timedelta(days=40)).isoformat(),
            "valid_from": (today - timedelta(days=30)).isoformat(), "valid_until": (today + timedelta(days=300)).isoformat(),
            "programs": [{"name": program, "guidance_type": "kepribadian", "capacity": 10}]})
        self._post(f"/agreements/{agreement['id']}/activate")
        return group["id"], agreement["programs"][0]["id"]


def start() -> tuple[LocalStack, dict]:
    # The services' clock can be moved by this file (weeks pass in seconds for wajib lapor's worker,
    # which looks every second); a test that moves it puts it back. The portal's own dates and the
    # tokens keep the real time.
    clock_file = Path(tempfile.mkdtemp(prefix="bapas-clock-")) / "days"
    stack = LocalStack(extra_env={"BAPAS_HTTP_THREADS": "4", "BAPAS_CLOCK_FILE": str(clock_file),
                                  "KLIEN_REPORTING_INTERVAL_SECONDS": "1"}).start(timeout=90)
    seed = Seed(stack)
    group_a, program_a = seed.group_with_program("Pesantren Al-Hidayah", "PKS-A/2026", "Kajian akhlak")
    group_b, program_b = seed.group_with_program("Koperasi Tani Bidara", "PKS-B/2026", "Budidaya bidara")
    user_add(stack, "pk.siti", "officer", name="Siti Rahma", bapas_office="Bapas Palembang")
    user_add(stack, "auditor1", "auditor", name="Auditor Inspektorat")
    user_add(stack, "mitra.a", "partner", group=group_a, name="Pengurus Al-Hidayah")
    user_add(stack, "mitra.b", "partner", group=group_b, name="Pengurus Koperasi")
    return stack, {"group_a": group_a, "program_a": program_a, "group_b": group_b, "program_b": program_b,
                   "clock_file": clock_file}


def chromium_path() -> str | None:
    for path in (os.environ.get("BAPAS_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if path and os.path.exists(path):
            return path
    return None
