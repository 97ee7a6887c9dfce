"""The Kubernetes manifests: valid for the Kubernetes API (kubernetes-validate, offline), pods that
meet the "restricted" Pod Security Standard, a PodDisruptionBudget per API and for the portal, only the
front reaching the APIs and the portal, configuration that rolls the pods when it changes, and an
Ingress for the front."""
from pathlib import Path

import pytest

from shared.config import SERVICES, WEB_APPS

yaml = pytest.importorskip("yaml", reason="PyYAML is not installed")
kubernetes_validate = pytest.importorskip("kubernetes_validate", reason="kubernetes-validate is not installed")

K8S = Path(__file__).resolve().parents[2] / "k8s"
KUBERNETES_VERSION = "1.30"


def documents() -> list[tuple[Path, dict]]:
    return [(path, doc) for path in sorted(K8S.rglob("*.yaml"))
            for doc in yaml.safe_load_all(path.read_text()) if doc and doc.get("kind") != "Kustomization"]


DOCS = documents()


def of_kind(kind: str) -> list[dict]:
    return [doc for _, doc in DOCS if doc["kind"] == kind]


def pod_specs():
    for deployment in of_kind("Deployment"):
        yield deployment["metadata"]["name"], deployment["spec"]["template"]


@pytest.mark.parametrize("path, doc", DOCS, ids=[f"{p.parent.name}/{p.name}:{d['kind']}/{d['metadata']['name']}"
                                                   for p, d in DOCS])
def test_each_manifest_is_valid_for_the_kubernetes_api(path, doc):
    try:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as exc:
        pytest.fail(f"{path}: {exc.message} at {'.'.join(map(str, exc.path))}")


@pytest.mark.parametrize("name, template", list(pod_specs()))
def test_every_pod_meets_the_restricted_pod_security_standard(name, template):
    spec = template["spec"]
    pod = spec.get("securityContext", {})
    assert pod.get("runAsNonRoot") is True and pod.get("runAsUser", 0) > 0, name
    assert pod.get("seccompProfile", {}).get("type") in ("RuntimeDefault", "Localhost"), name
    assert not {"hostNetwork", "hostPID", "hostIPC"} & {key for key, value in spec.items() if value}, name
    assert all("hostPath" not in volume for volume in spec.get("volumes", [])), name
    for container in spec["containers"] + spec.get("initContainers", []):
        context = container.get("securityContext", {})
        assert context.get("allowPrivilegeEscalation") is False, name
        assert context.get("capabilities", {}).get("drop") == ["ALL"], name
        assert not context.get("capabilities", {}).get("add"), name
        assert not context.get("privileged"), name
        assert "hostPort" not in str(container.get("ports", [])), name


def test_the_region_namespace_enforces_the_restricted_standard():
    (namespace,) = of_kind("Namespace")
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


@pytest.mark.parametrize("name", [f"{service}-api" for service in SERVICES] + [f"{app}-web" for app in WEB_APPS])
def test_each_api_and_the_portal_have_a_pod_disruption_budget(name):
    (api,) = [d for d in of_kind("Deployment") if d["metadata"]["name"] == name]
    (budget,) = [b for b in of_kind("PodDisruptionBudget") if b["metadata"]["name"] == name]
    assert budget["spec"]["minAvailable"] == 1 < api["spec"]["replicas"]
    assert budget["spec"]["selector"]["matchLabels"].items() <= api["spec"]["template"]["metadata"]["labels"].items()


def test_only_the_front_and_the_stack_itself_reach_the_apis():
    (policy,) = [p for p in of_kind("NetworkPolicy") if p["spec"]["podSelector"]["matchLabels"]
                 == {"app.kubernetes.io/component": "api"}]
    assert policy["spec"]["policyTypes"] == ["Ingress"]
    (rule,) = policy["spec"]["ingress"]
    selectors = [peer["podSelector"]["matchExpressions"][0]["values"] for peer in rule["from"] if "podSelector" in peer]
    assert selectors == [["front", "api", "worker", "web"]]                 # web: the portal calls the APIs
    assert all("podSelector" in peer or peer["namespaceSelector"]["matchLabels"]
               == {"kubernetes.io/metadata.name": "monitoring"} for peer in rule["from"])


def test_only_the_front_reaches_the_portal():
    (deployment,) = [d for d in of_kind("Deployment") if d["metadata"]["name"] == "portal-web"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    policies = [p for p in of_kind("NetworkPolicy") if p["spec"]["podSelector"]["matchLabels"].items() <= labels.items()]
    assert [p["metadata"]["name"] for p in policies] == ["portal-from-the-front-only"]
    (rule,) = policies[0]["spec"]["ingress"]
    assert rule["from"] == [{"podSelector": {"matchLabels": {"app.kubernetes.io/component": "front"}}}]
    assert rule["ports"] == [{"port": 5000}]
    (front,) = [d for d in of_kind("Deployment") if d["metadata"]["name"] == "front"]
    env = {e["name"]: e.get("value") for e in front["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert "portal:5000" in env["BAPAS_FRONT_SERVICES"].split()
    (service,) = [s for s in of_kind("Service") if s["metadata"]["name"] == "portal"]
    assert service["spec"]["selector"].items() <= labels.items()


def test_the_config_is_generated_so_a_change_rolls_the_pods():
    base = yaml.safe_load((K8S / "base/kustomization.yaml").read_text())
    assert [g["name"] for g in base["configMapGenerator"]] == ["bapas-config"]
    assert not [d for _, d in DOCS if d["kind"] == "ConfigMap"], "a plain ConfigMap keeps its name: pods never roll"
    overlay = yaml.safe_load((K8S / "regions/sumsel/kustomization.yaml").read_text())
    assert [g["name"] for g in overlay["secretGenerator"]] == ["bapas-secrets"]
    assert not overlay.get("generatorOptions", {}).get("disableNameSuffixHash")


def test_the_ingress_sends_each_api_host_to_the_front_with_tls():
    (ingress,) = of_kind("Ingress")
    backends = {rule["http"]["paths"][0]["backend"]["service"]["name"] for rule in ingress["spec"]["rules"]}
    assert backends == {"front"} and ingress["spec"]["tls"][0]["secretName"]
    ports = {rule["http"]["paths"][0]["backend"]["service"]["port"]["name"] for rule in ingress["spec"]["rules"]}
    assert ports == set(SERVICES) | set(WEB_APPS)


def test_the_services_use_quorum_queues_on_every_node_of_the_rabbitmq_cluster():
    from kombu import Connection
    config = dict(line.split("=", 1) for line in (K8S / "base/config.env").read_text().splitlines()
                  if line and not line.startswith("#"))
    assert config["BAPAS_QUEUE_TYPE"] == "quorum"
    secret = dict(line.split("=", 1) for line in (K8S / "regions/sumsel/secret.env.example").read_text().splitlines()
                  if line and not line.startswith("#"))
    connection = Connection(secret["BROKER_URL"])
    nodes = [Connection(url) for url in connection.alt]
    assert len({node.hostname for node in nodes}) == 3
    assert {(node.virtual_host, node.port) for node in nodes} == {("sumsel", 5672)}
