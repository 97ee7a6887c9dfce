"""The services refuse to start without a JWT secret; `bapas token` signs with the one `make run` keeps."""
import os
import subprocess
import sys

import jwt
import pytest

from shared.auth import issue_token


def bapas(*args, env):
    return subprocess.run([sys.executable, "-m", "shared.cli", *args], env=env, capture_output=True, text=True,
                          timeout=30)


@pytest.fixture
def env(tmp_path, redis_url):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BAPAS_")}
    return {**clean, "REDIS_URL": redis_url, "BAPAS_DATA_DIR": str(tmp_path)}


@pytest.mark.parametrize("command", [("serve", "klien"), ("worker", "bimbingan")])
def test_a_service_refuses_to_start_without_a_secret(command, env):
    done = bapas(*command, env=env)
    assert done.returncode != 0
    assert "BAPAS_JWT_SECRET is not set" in done.stderr


def test_token_uses_the_secret_kept_in_the_data_folder_and_says_so(env, tmp_path):
    (tmp_path / "jwt-secret").write_text("kept-secret")
    done = bapas("token", "--role", "officer", "--sub", "pk-9", "--region", "sumsel", env=env)
    assert done.returncode == 0, done.stderr
    claims = jwt.decode(done.stdout.strip(), "kept-secret", algorithms=["HS256"])
    assert (claims["role"], claims["sub"], claims["region"]) == ("officer", "pk-9", "sumsel")
    assert "jwt-secret" in done.stderr


def test_token_refuses_to_invent_a_secret(env, tmp_path):
    done = bapas("token", "--role", "admin", env=env)
    assert done.returncode != 0 and done.stdout == ""
    assert "no secret is configured" in done.stderr and "docker compose exec" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_partner_token_needs_its_group(env):
    done = bapas("token", "--role", "partner", env={**env, "BAPAS_JWT_SECRET": "s"})
    assert done.returncode == 2 and "--group" in done.stderr
    assert issue_token("s", role="partner", sub="p", region="r", group_id="g")


def test_a_public_key_without_audience_and_issuer_refuses_to_start(env):
    done = bapas("serve", "klien", env={**env, "BAPAS_JWT_PUBLIC_KEY": "-----BEGIN PUBLIC KEY-----"})
    assert done.returncode != 0
    assert "BAPAS_JWT_AUDIENCE" in done.stderr


def test_token_carries_iat_and_the_configured_audience_and_issuer_within_the_lifetime_cap(env):
    env = {**env, "BAPAS_JWT_SECRET": "s", "BAPAS_JWT_AUDIENCE": "bapas-api", "BAPAS_JWT_ISSUER": "bapas",
           "BAPAS_JWT_MAX_LIFETIME_SECONDS": "3600"}
    done = bapas("token", "--role", "admin", env=env)
    assert done.returncode == 0, done.stderr
    claims = jwt.decode(done.stdout.strip(), "s", algorithms=["HS256"], audience="bapas-api", issuer="bapas")
    assert claims["exp"] - claims["iat"] == 3600
    too_long = bapas("token", "--role", "admin", "--ttl", "7200", env=env)
    assert too_long.returncode == 2 and "BAPAS_JWT_MAX_LIFETIME_SECONDS" in too_long.stderr
