"""Every secret can come from a file (NAME_FILE, the Docker and Kubernetes secrets convention)."""
import os
import subprocess
import sys
from datetime import timezone

import jwt
import pytest

from shared import config


@pytest.fixture
def clean_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith(("BAPAS_", "REDIS_URL", "BROKER_URL")):
            monkeypatch.delenv(name)
    return monkeypatch


def test_settings_read_secrets_from_files(clean_env, tmp_path):
    for name, value in {"BAPAS_JWT_SECRET": "from-a-file\n", "BAPAS_JWT_PREVIOUS_SECRET": "old\n",
                        "REDIS_URL": "redis://:pw@redis:6379/0\n", "BROKER_URL": "amqp://bapas:pw@mq:5672//\n"}.items():
        (tmp_path / name).write_text(value)
        clean_env.setenv(f"{name}_FILE", str(tmp_path / name))
    clean_env.setenv("BAPAS_JWT_PREVIOUS_SECRET_UNTIL", "2026-12-01T07:00:00+07:00")
    settings = config.load_settings()
    assert (settings.jwt_secret, settings.jwt_previous_secret) == ("from-a-file", "old")
    assert (settings.redis_url, settings.broker_url) == ("redis://:pw@redis:6379/0", "amqp://bapas:pw@mq:5672//")
    assert settings.jwt_previous_secret_until.astimezone(timezone.utc).hour == 0


def test_the_variable_itself_wins_over_its_file(clean_env, tmp_path):
    (tmp_path / "secret").write_text("file")
    clean_env.setenv("BAPAS_JWT_SECRET_FILE", str(tmp_path / "secret"))
    clean_env.setenv("BAPAS_JWT_SECRET", "env")
    assert config.load_settings().jwt_secret == "env"


def test_an_unreadable_secret_file_stops_the_start_with_its_name(clean_env, tmp_path):
    clean_env.setenv("BAPAS_JWT_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(SystemExit, match="BAPAS_JWT_SECRET_FILE=.*missing"):
        config.load_settings()


def test_a_rotation_deadline_needs_an_offset(clean_env):
    clean_env.setenv("BAPAS_JWT_PREVIOUS_SECRET_UNTIL", "2026-12-01T00:00:00")
    with pytest.raises(SystemExit, match="offset"):
        config.load_settings()


def test_bapas_token_signs_with_the_secret_file(tmp_path):
    (tmp_path / "jwt").write_text("file-secret\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAPAS_")}
    env.update(BAPAS_JWT_SECRET_FILE=str(tmp_path / "jwt"), BAPAS_REGION="sumsel", BAPAS_DATA_DIR=str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "shared.cli", "token", "--role", "auditor"], env=env,
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert jwt.decode(done.stdout.strip(), "file-secret", algorithms=["HS256"])["region"] == "sumsel"
