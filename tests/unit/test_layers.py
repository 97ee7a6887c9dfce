"""One shape for every service: each has every layer, the domain does no I/O, repositories name no
event and check no role, subscriptions are read the same with and without importing, and the
worker's side loads no Flask. A service added under services/ is checked by being there."""
import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from shared.subscriptions import declared

ROOT = Path(__file__).resolve().parents[2]
SERVICES = sorted(p.name for p in (ROOT / "services").iterdir() if (p / "__init__.py").exists())
LAYERS = ("domain", "schemas", "events", "keys", "repository", "usecases", "api", "handlers", "app")
IO_LIBRARIES = ("redis", "flask", "flask_smorest", "kombu", "requests", "werkzeug")


def module_files(service: str, layer: str) -> list[Path]:
    """The layer's module, or every module of its package."""
    base = ROOT / "services" / service
    if (base / layer).is_dir():
        return sorted((base / layer).glob("*.py"))
    return [base / f"{layer}.py"] if (base / f"{layer}.py").exists() else []


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def project_module_file(name: str) -> Path | None:
    path = ROOT.joinpath(*name.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def reachable_imports(start: Path) -> set[str]:
    """Every module `start` imports, following the project's own modules (shared.*, services.*)."""
    seen, found, todo = set(), set(), [start]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for name in imports(path):
            found.add(name)
            own = project_module_file(name) if name.split(".")[0] in ("shared", "services") else None
            if own is not None:
                todo.append(own)
    return found


def test_there_are_services_to_check():
    assert {"klien", "pokmas", "bimbingan"} <= set(SERVICES)


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_has_every_layer(service):
    missing = [layer for layer in LAYERS if not module_files(service, layer)]
    assert not missing, f"services/{service} lacks {missing}; see docs/architecture.md"


@pytest.mark.parametrize("service", SERVICES)
def test_the_domain_does_no_io(service):
    for path in module_files(service, "domain"):
        used = {name.split(".")[0] for name in reachable_imports(path)}
        assert not used & set(IO_LIBRARIES), f"{path.relative_to(ROOT)} reaches {sorted(used & set(IO_LIBRARIES))}"


def catalog_types() -> set[str]:
    pattern = re.compile(r'"((?:%s)\.[a-z_]+\.[a-z_]+)"' % "|".join(SERVICES))
    return {match for service in SERVICES for path in module_files(service, "domain")
            for match in pattern.findall(path.read_text())}


@pytest.mark.parametrize("service", SERVICES)
def test_repositories_name_no_event_and_check_no_role(service):
    event_types = catalog_types()
    assert event_types, "the domains name their event types"
    for path in module_files(service, "repository"):
        tree = ast.parse(path.read_text())
        strings = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
                   and isinstance(node.value, str)}
        attributes = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
        assert not strings & event_types, f"{path.relative_to(ROOT)} names {strings & event_types}"
        assert not attributes & {"role", "group_id", "outbox"}, \
            f"{path.relative_to(ROOT)} reads {attributes & {'role', 'group_id', 'outbox'}}"


@pytest.mark.parametrize("service", SERVICES)
def test_subscriptions_read_without_importing_are_the_ones_registered(service):
    import importlib
    handlers = importlib.import_module(f"services.{service}.handlers")
    assert declared(service) == handlers.subscriptions.event_types


def test_the_worker_side_of_every_service_loads_no_flask():
    code = """
import sys, types
from shared import service
from shared.config import SERVICES
import shared.worker
runtime = types.SimpleNamespace(redis=None, outbox=None, service="x", settings=None)
for name in SERVICES:
    definition = service.load(name)
    definition.handlers(runtime)
    definition.tasks(runtime)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("flask", "flask_smorest", "werkzeug"))
assert not loaded, loaded
"""
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
