"""Each service's /asyncapi.json as the AsyncAPI project's own parser (@asyncapi/parser 3, from npm)
reads it: no error, and every event the service publishes among the messages it finds.

The parser is installed with npm into .cache/asyncapi-parser (not committed) the first time."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from shared.config import SERVICES, Settings
from shared.service import create_app, load

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "tests" / "support" / "asyncapi_parser"
INSTALL = ROOT / ".cache" / "asyncapi-parser"


@pytest.fixture(scope="module")
def parser() -> Path:
    if shutil.which("npm") is None or shutil.which("node") is None:
        pytest.skip("npm and node are not installed: the official AsyncAPI parser cannot run here")
    INSTALL.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "parse.js"):
        shutil.copy(SOURCE / name, INSTALL / name)
    if not (INSTALL / "node_modules" / "@asyncapi" / "parser").is_dir():
        done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=INSTALL,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"npm install failed:\n{done.stderr[-2000:]}"
    return INSTALL / "parse.js"


@pytest.mark.parametrize("service", SERVICES)
def test_the_official_parser_reads_every_message_of_each_document_without_error(parser, service, tmp_path,
                                                                                  redis_url):
    definition = load(service)
    app = create_app(definition, Settings(redis_url=redis_url, jwt_secret="s", region="testreg"))
    response = app.test_client().get("/asyncapi.json")
    assert response.status_code == 200
    path = tmp_path / f"{service}.json"
    path.write_text(response.get_data(as_text=True))
    done = subprocess.run(["node", str(parser), str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["errors"] == []
    assert set(result["messages"]) == {entry.type for entry in definition.catalog}
