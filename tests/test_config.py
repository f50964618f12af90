"""sfoflow.config: one module reads the environment; production refuses development secrets."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sfoflow.config import DEV_SAMPLING_KEY, DEV_SECRET, ENVIRONMENT, ConfigError, from_env
from tests.support.cli import sfoflow

ROOT = Path(__file__).resolve().parent.parent
REAL = {"SFOFLOW_SECRET_KEY": "hQ7vN2xL9pR4tW8zK3mB6cF1yD5gJ0sA",
        "SFOFLOW_SAMPLING_KEY": "Ub4Ze9Xo2Pi7Ky1Lt6Rw3Qn8Vc5Hm0Ja"}

# A value for every variable the config documents, unlike its default.
SAMPLES = {
    "SFOFLOW_ENV": "test",
    "SFOFLOW_SECRET_KEY": "another-secret",
    "SFOFLOW_SAMPLING_KEY": "another-sampling-key",
    "SFOFLOW_DATABASE_URL": "postgresql+psycopg://sfoflow@db:5432/sfoflow",
    "SFOFLOW_BROKER_URL": "redis://redis:6379/0",
    "SFOFLOW_RESULT_BACKEND": "redis://redis:6379/1",
    "SFOFLOW_INSTANCE_DIR": "/var/lib/sfoflow",
    "SFOFLOW_BASE_URL": "https://sfoflow.example.org",
    "SFOFLOW_WORKER_CONCURRENCY": "7",
    "SFOFLOW_BIND": "0.0.0.0:8000",
    "SFOFLOW_WEB_WORKERS": "5",
    "SFOFLOW_LOG_LEVEL": "DEBUG",
    "SFOFLOW_SMTP_HOST": "smtp.example.org",
    "SFOFLOW_SMTP_PORT": "2525",
    "SFOFLOW_SMTP_USER": "mailer",
    "SFOFLOW_SMTP_PASSWORD": "mail-secret",
    "SFOFLOW_SMTP_FROM": "qa@example.org",
    "SFOFLOW_SMTP_STARTTLS": "false",
}


@pytest.mark.parametrize("secret", [None, "", DEV_SECRET])
def test_production_refuses_a_missing_or_default_secret_key(secret):
    env = {"SFOFLOW_ENV": "production", "SFOFLOW_SAMPLING_KEY": REAL["SFOFLOW_SAMPLING_KEY"]}
    if secret is not None:
        env["SFOFLOW_SECRET_KEY"] = secret
    with pytest.raises(ConfigError, match="SFOFLOW_SECRET_KEY"):
        from_env(env)


@pytest.mark.parametrize("key", [None, DEV_SAMPLING_KEY])
def test_production_refuses_a_missing_or_default_sampling_key(key):
    env = {"SFOFLOW_ENV": "production", "SFOFLOW_SECRET_KEY": REAL["SFOFLOW_SECRET_KEY"]}
    if key is not None:
        env["SFOFLOW_SAMPLING_KEY"] = key
    with pytest.raises(ConfigError, match="SFOFLOW_SAMPLING_KEY"):
        from_env(env)


def test_production_starts_with_real_secrets_and_development_needs_none():
    settings = from_env({"SFOFLOW_ENV": "production", **REAL})
    assert settings.production and settings.secret_key == REAL["SFOFLOW_SECRET_KEY"]
    assert not from_env({}).production


def test_the_app_refuses_to_start_in_production_with_the_default_secret(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SFOFLOW_")}
    env.update(SFOFLOW_ENV="production", SFOFLOW_INSTANCE_DIR=str(tmp_path))
    for argv in (sfoflow("web"), [sys.executable, "-c", "import sfoflow.wsgi"]):
        result = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True,
                                timeout=120)
        assert result.returncode != 0, argv
        assert "SFOFLOW_SECRET_KEY must be set" in result.stderr, result.stderr[-2000:]


def test_an_unknown_environment_name_is_refused():
    with pytest.raises(ConfigError, match="SFOFLOW_ENV"):
        from_env({"SFOFLOW_ENV": "prod"})


@pytest.mark.parametrize("name", ["SFOFLOW_WORKER_CONCURRENCY", "SFOFLOW_WEB_WORKERS", "SFOFLOW_SMTP_PORT"])
def test_a_number_that_is_not_one_is_named(name):
    with pytest.raises(ConfigError, match=f"{name} must be a whole number"):
        from_env({name: "two"})
    with pytest.raises(ConfigError, match=f"{name} must be at least 1"):
        from_env({name: "0"})


def test_every_documented_variable_is_read():
    assert set(SAMPLES) == set(ENVIRONMENT), "add a sample value for each new variable"
    default = from_env({})
    for name, value in SAMPLES.items():
        env = {name: value}
        if name == "SFOFLOW_ENV" and value == "production":
            env.update(REAL)
        assert from_env(env) != default, f"{name} changes nothing"


def test_no_variable_is_read_that_is_not_documented():
    """Every SFOFLOW_* name in the config module's source is in ENVIRONMENT."""
    import re

    source = (ROOT / "sfoflow" / "config.py").read_text()
    read = set(re.findall(r'"(SFOFLOW_[A-Z_]+)"', source))
    assert read == set(ENVIRONMENT)


def test_embedded_defaults_live_in_the_instance_folder(tmp_path):
    settings = from_env({"SFOFLOW_INSTANCE_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path}/sfoflow.sqlite"
    assert settings.broker_url == f"sqla+sqlite:///{tmp_path}/broker.sqlite"


def test_secrets_are_not_in_the_defaults_file():
    defaults = json.loads((ROOT / "config" / "settings.json").read_text())
    assert not [k for k in defaults if any(w in k.lower() for w in ("secret", "password", "sampling_key"))]


# --- issue 14 item 5: production refuses weak secrets ------------------------------------------------------

@pytest.mark.parametrize("secret,why", [
    ("short-but-random-Zx81", "at least 32"),
    ("changeme-changeme-changeme-changeme", "placeholder"),
    ("your-secret-key-goes-here-0123456789", "placeholder"),
    ("a" * 64, "not random enough"),
    ("abababababababababababababababababab", "not random enough"),
])
def test_production_refuses_a_weak_secret_and_says_how_to_make_one(secret, why):
    with pytest.raises(ConfigError, match=why) as raised:
        from_env({"SFOFLOW_ENV": "production", **REAL, "SFOFLOW_SECRET_KEY": secret})
    assert "secrets.token_urlsafe(48)" in str(raised.value)


def test_production_refuses_the_same_secret_twice():
    with pytest.raises(ConfigError, match="must be different"):
        from_env({"SFOFLOW_ENV": "production", **REAL, "SFOFLOW_SAMPLING_KEY": REAL["SFOFLOW_SECRET_KEY"]})


def test_generated_secrets_pass():
    import secrets

    for make in (lambda: secrets.token_urlsafe(48), lambda: secrets.token_hex(32), lambda: secrets.token_urlsafe(24)):
        for _ in range(50):
            assert from_env({"SFOFLOW_ENV": "production", "SFOFLOW_SECRET_KEY": make(),
                             "SFOFLOW_SAMPLING_KEY": make()}).production
