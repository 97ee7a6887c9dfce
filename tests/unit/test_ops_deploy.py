"""The Kubernetes manifests and region env files an operator applies: they parse, and each
service gets an API with health and readiness probes, a Service, and a worker with its
health probe and an autoscaler, all from the same image."""
import re
from pathlib import Path

import pytest

from shared.config import DEFAULT_PORTS, SERVICES

yaml = pytest.importorskip("yaml", reason="PyYAML is not installed")

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "k8s"


def documents() -> list[dict]:
    docs = []
    for path in sorted(K8S.rglob("*.yaml")):
        docs += [dict(doc, _path=path) for doc in yaml.safe_load_all(path.read_text()) if doc]
    return docs


DOCS = documents()


def find(kind: str, name: str) -> dict:
    matches = [d for d in DOCS if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(matches) == 1, f"expected one {kind} {name}, found {len(matches)}"
    return matches[0]


def container(deployment: dict) -> dict:
    (only,) = deployment["spec"]["template"]["spec"]["containers"]
    return only


def test_every_manifest_parses_and_names_its_kind():
    assert DOCS
    for doc in DOCS:
        assert doc.get("apiVersion") and doc.get("kind"), doc["_path"]
        if doc["kind"] != "Kustomization":
            assert doc["metadata"]["name"], doc["_path"]


def test_every_kustomization_lists_files_that_exist():
    for doc in (d for d in DOCS if d["kind"] == "Kustomization"):
        for resource in doc.get("resources", []):
            assert (doc["_path"].parent / resource).exists(), f"{doc['_path']}: {resource}"


@pytest.mark.parametrize("service", SERVICES)
def test_each_api_has_probes_a_service_and_the_shared_image(service):
    api = find("Deployment", f"{service}-api")
    spec = container(api)
    assert spec["image"] == "bapas/app" and spec["command"] == ["bapas", "serve", service]
    assert spec["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert spec["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert spec["ports"][0]["containerPort"] == DEFAULT_PORTS[service]
    assert {"configMapRef": {"name": "bapas-config"}} in spec["envFrom"]
    assert {"secretRef": {"name": "bapas-secrets"}} in spec["envFrom"]
    selector = find("Service", service)["spec"]["selector"]
    assert selector.items() <= api["spec"]["template"]["metadata"]["labels"].items()
    assert api["spec"]["selector"]["matchLabels"].items() <= api["spec"]["template"]["metadata"]["labels"].items()


@pytest.mark.parametrize("service", SERVICES)
def test_each_worker_has_a_health_probe_and_an_autoscaler(service):
    worker = find("Deployment", f"{service}-worker")
    spec = container(worker)
    assert spec["image"] == "bapas/app" and spec["command"] == ["bapas", "worker", service]
    assert spec["livenessProbe"]["exec"]["command"] == ["bapas", "worker-health", service]
    target = find("HorizontalPodAutoscaler", f"{service}-worker")["spec"]["scaleTargetRef"]
    assert target == {"apiVersion": "apps/v1", "kind": "Deployment", "name": f"{service}-worker"}


def test_the_config_gives_the_services_each_others_urls_and_binds_outside_the_pod():
    data = dict(line.split("=", 1) for line in (K8S / "base/config.env").read_text().splitlines()
                if line.strip() and not line.startswith("#"))
    assert data["BAPAS_BIND_HOST"] == "0.0.0.0"
    for service in SERVICES:
        assert data[f"{service.upper()}_URL"] == f"http://{service}:{DEFAULT_PORTS[service]}"


def test_a_region_overlay_has_its_namespace_region_and_secret_keys():
    overlay = K8S / "regions/sumsel"
    kustomization = yaml.safe_load((overlay / "kustomization.yaml").read_text())
    assert find("Namespace", kustomization["namespace"])
    assert "BAPAS_REGION=sumsel" in kustomization["configMapGenerator"][0]["literals"]
    secret_keys = env_keys(overlay / "secret.env.example")
    assert {"BAPAS_JWT_SECRET", "REDIS_URL", "BROKER_URL"} <= secret_keys


def env_keys(path: Path) -> set[str]:
    lines = [line for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]
    return {line.split("=", 1)[0] for line in lines}


def test_region_env_files_set_everything_a_region_needs_with_ports_of_their_own():
    files = sorted((ROOT / "deploy/regions").glob("*.env.example"))
    assert len(files) >= 2
    needed = {"COMPOSE_PROJECT_NAME", "BAPAS_REGION", "BAPAS_JWT_SECRET", "REDIS_URL", "BROKER_URL",
              "KLIEN_HOST_PORT", "POKMAS_HOST_PORT", "BIMBINGAN_HOST_PORT"}
    ports = []
    for path in files:
        assert needed <= env_keys(path), path
        values = dict(line.split("=", 1) for line in path.read_text().splitlines()
                      if line.strip() and not line.startswith("#"))
        assert values["BAPAS_REGION"] == path.name.split(".")[0]
        ports += [value for key, value in values.items() if key.endswith("_HOST_PORT")]
    assert len(ports) == len(set(ports)), "two regions on one host need distinct host ports"


def test_the_env_example_shows_the_compose_files_own_defaults():
    """A commented `#NAME=value` in .env.example is what compose uses when NAME is unset (an empty
    compose default passes nothing: the service's own default, README's table, applies)."""
    compose = (ROOT / "docker-compose.yml").read_text()
    defaults = dict(re.findall(r"\$\{([A-Z0-9_]+):-([^}]*)\}", compose))
    shown = dict(re.findall(r"^#([A-Z0-9_]+)=(\S*)$", (ROOT / ".env.example").read_text(), re.MULTILINE))
    checked = {name for name in shown if defaults.get(name)}
    assert {"REDIS_MEM_LIMIT", "RABBITMQ_MEM_LIMIT", "BAPAS_API_MEM_LIMIT", "REDIS_MAXMEMORY"} <= checked
    assert {name: shown[name] for name in checked} == {name: defaults[name] for name in checked}


def test_the_secrets_compose_needs_are_in_every_env_template():
    compose = (ROOT / "docker-compose.yml").read_text()
    required = set(re.findall(r"\$\{([A-Z0-9_]+):\?", compose))
    assert {"REDIS_PASSWORD", "RABBITMQ_PASSWORD"} <= required
    for path in [ROOT / ".env.example", *sorted((ROOT / "deploy/regions").glob("*.env.example"))]:
        assert required <= env_keys(path), path
