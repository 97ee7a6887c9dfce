"""The RabbitMQ HA stacks for the drills (docs/operations.md, "High availability: RabbitMQ cluster and the
national view"), each a compose project of its own (never the compose tier's `bapas-e2e`), with images
of their own names (a run never retags the images another run uses), host ports on 127.0.0.1 only, the
APIs reached straight on published ports (no front: fewer containers on a shared machine):

- `cluster_stack`: project `bapas-ha-rabbit`, docker-compose.yml + the Debian override +
  deploy/ha/rabbitmq-cluster.yml: three RabbitMQ nodes, quorum queues, the four APIs and workers.
- `national_stacks`: projects `bapas-ha-national` (RabbitMQ, Redis, laporan and its worker, with
  deploy/ha/national.yml) and `bapas-ha-sumsel`, `bapas-ha-jabar` (klien, pokmas, bimbingan and their
  workers, with deploy/ha/region-to-national.yml), on a docker network of the run's own.

Several projects in one run, so the compose commands are run by tests/ha/compose_project.py rather
than by pytest-docker (one project per session). Everything is removed at the end, volumes too
(BAPAS_E2E_KEEP=1 keeps it).
"""
import os
import time

import pytest

from tests.ha.compose_project import ROOT, Project, docker, engine_or_skip, settings
from tests.support.ports import free_port

BASE_FILES = ["docker-compose.yml", "docker-compose.debian.yml"]
REGIONS = ("sumsel", "jabar")


def _build(project: Project) -> None:
    """The three images of the drills (from the layer cache: only changed code is rebuilt)."""
    project.compose("build", "rabbitmq", "redis", "klien")


CLUSTER_APIS = ("klien", "pokmas", "bimbingan", "laporan")


@pytest.fixture(scope="module")
def cluster_stack() -> Project:
    env = settings("harabbit", AMQP2_HOST_PORT=str(free_port()), AMQP3_HOST_PORT=str(free_port()))
    project = Project(engine_or_skip(), "bapas-ha-rabbit",
                      [*BASE_FILES, "deploy/ha/rabbitmq-cluster.yml", "tests/ha/compose/cluster-published.yml"], env)
    started = time.monotonic()
    _build(project)
    try:
        project.up(*CLUSTER_APIS, *(f"{api}-worker" for api in CLUSTER_APIS))
        project.wait_ready(CLUSTER_APIS)
        print(f"\n{project.name}: built and ready in {time.monotonic() - started:.0f}s")
        yield project
    finally:
        project.down()


REGION_APIS = ("klien", "pokmas", "bimbingan")


@pytest.fixture(scope="module")
def national_stacks():
    """(national, {region: project}), the federation links running before any write."""
    command = engine_or_skip()
    network = f"bapas-ha-national-{os.urandom(3).hex()}"
    national = Project(command, "bapas-ha-national",
                       [*BASE_FILES, "deploy/ha/national.yml"],
                       settings("national", BAPAS_NATIONAL_REGIONS=",".join(REGIONS), BAPAS_NATIONAL_NETWORK=network))
    regions = {region: Project(command, f"bapas-ha-{region}",
                               [*BASE_FILES, "deploy/ha/region-to-national.yml",
                                "tests/ha/compose/region-published.yml"],
                               settings(region, BAPAS_NATIONAL_NETWORK=network))
               for region in REGIONS}
    started = time.monotonic()
    _build(national)
    docker("network", "create", network)
    try:
        national.up("laporan", "laporan-worker")
        national.wait_ready(("laporan",))
        for project in regions.values():
            project.up(*REGION_APIS, *(f"{api}-worker" for api in REGION_APIS))
        for project in regions.values():
            project.wait_ready(REGION_APIS)
        for region, project in regions.items():
            uri = f"amqp://bapas:{project.settings['RABBITMQ_PASSWORD']}@rabbitmq-{region}:5672/%2F"
            national.exec("rabbitmq", "sh", "-s", region, uri,
                          stdin=(ROOT / "deploy/ha/national-upstream.sh").read_text())
        wait_federation_running(national, len(regions))
        print(f"\nnational view ({', '.join(p.name for p in [national, *regions.values()])}): "
              f"built and ready in {time.monotonic() - started:.0f}s")
        yield national, regions
    finally:
        for project in [*regions.values(), national]:
            project.down()
        docker("network", "rm", network, check=False)


def wait_federation_running(national: Project, links: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while True:
        status = national.exec("rabbitmq", "rabbitmqctl", "-q", "federation_status", "--formatter", "json")
        if status.count('"running"') >= links:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"federation links not running after {timeout}s: {status}")
        time.sleep(2)
