"""The operator documents work as written: every command block marked `<!-- runnable -->` in
docs/deploy-compose.md, then in docs/operations.md, runs in order in one bash session (set -e)
on a copy of the repository, as an operator would type them, against the `sumsel` region they
bring up. Compose tier only. The one rewrite: /srv/backup becomes a folder of the test's."""
import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = ("docs/deploy-compose.md", "docs/operations.md")
MARKER = "<!-- runnable -->"
# The sumsel region's host ports, as its template sets them.
REGION_PORTS = tuple(int(port) for port in re.findall(
    r"^[A-Z_]+_HOST_PORT=(\d+)$", (ROOT / "deploy/regions/sumsel.env.example").read_text(), re.MULTILINE))
LOCAL_ONLY = {".git", ".venv", ".data", ".pytest_cache", "__pycache__", ".env"}


def skip_in_copy(folder: str, names: list[str]) -> set[str]:
    """What is this checkout's own: virtualenv, data, secrets, certificates."""
    skipped = {name for name in names if name in LOCAL_ONLY or name.endswith((".pyc", ".env"))}
    if Path(folder).resolve() == ROOT / "deploy/tls":
        skipped |= {name for name in names if name != "README.md"}
    return skipped


def runnable_blocks(document: str) -> list[tuple[int, str]]:
    """(line number, text) of each fenced block that directly follows the marker."""
    lines = (ROOT / document).read_text().splitlines()
    blocks = []
    for number, line in enumerate(lines):
        if line.strip() != MARKER:
            continue
        assert lines[number + 1].startswith("```"), f"{document}:{number + 1}: {MARKER} must precede a fence"
        end = next(i for i in range(number + 2, len(lines)) if lines[i].startswith("```"))
        blocks.append((number + 3, "\n".join(lines[number + 2:end])))
    return blocks


def test_each_document_has_runnable_blocks():
    for document in DOCUMENTS:
        assert runnable_blocks(document), document


def operator_env(stack_settings: dict) -> dict:
    """This process's environment without what the compose tier set for its own stack (ports,
    secrets, CA): compose would prefer those to the region's env file."""
    dropped = set(stack_settings) | {"REQUESTS_CA_BUNDLE", "COMPOSE_FILE", "COMPOSE_PROJECT_NAME"}
    return {name: value for name, value in os.environ.items() if name not in dropped}


def port_taken(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def repository_copy(request, tmp_path, docker_compose_command, compose_settings):
    if request.config.getoption("--stack") != "compose":
        pytest.skip("the documents' commands deploy with docker compose; run with --stack=compose")
    copy = tmp_path / "bapas"
    shutil.copytree(ROOT, copy, ignore=skip_in_copy)
    shutil.copy(copy / "deploy/regions/sumsel.env.example", copy / "deploy/regions/sumsel.env")
    down = ["bash", "-c", "docker compose version >/dev/null 2>&1 && c='docker compose' || c=docker-compose; "
            "$c -f docker-compose.yml -f docker-compose.debian.yml --env-file deploy/regions/sumsel.env "
            "--profile monitoring down -v --remove-orphans"]
    subprocess.run(down, cwd=copy, env=operator_env(compose_settings), capture_output=True, timeout=300)
    taken = [port for port in REGION_PORTS if port_taken(port)]
    if taken:
        pytest.fail(f"the sumsel region's host ports {taken} are taken on this host", pytrace=False)
    (copy / "deploy/regions/sumsel.env").unlink()  # the documents make it
    yield copy
    subprocess.run(down, cwd=copy, env=operator_env(compose_settings), capture_output=True, timeout=300)


@pytest.mark.timeout(1800)  # a whole region brought up, backed up, restored, its secret rotated
def test_the_documented_commands_run_as_written(repository_copy, tmp_path, compose_settings):
    backups = tmp_path / "backup"
    script = ["set -euo pipefail"]
    for document in DOCUMENTS:
        for line, block in runnable_blocks(document):
            script += [f"echo '### {document}:{line}' >&2", block.replace("/srv/backup", str(backups))]
    (tmp_path / "docs.sh").write_text("\n".join(script) + "\n")
    log = tmp_path / "docs.log"
    with log.open("w") as out:
        done = subprocess.run(["bash", str(tmp_path / "docs.sh")], cwd=repository_copy,
                              env=operator_env(compose_settings), stdout=out, stderr=subprocess.STDOUT, timeout=1500)
    output = log.read_text()
    failed_at = re.findall(r"^### (\S+)$", output, re.MULTILINE)
    assert done.returncode == 0, f"failed in the block at {failed_at[-1] if failed_at else '?'}:\n{output[-6000:]}"
    assert sorted(p.name for p in next(backups.glob("sumsel/20*"))
                  .iterdir()) == ["SHA256SUMS", "rabbitmq-data.tgz", "redis-data.tgz"]
