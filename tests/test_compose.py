"""docker-compose.yml, the Dockerfile, .env.example, the README and .ci/run agree with the code:
every service's command is a real entry point, every variable set is one the config reads."""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

from sfoflow.cli import cli
from sfoflow.config import ENVIRONMENT

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
SFOFLOW_SERVICES = {name: s for name, s in SERVICES.items() if s.get("image", "").startswith("sfoflow")}
README = (ROOT / "README.md").read_text()


def _argv(command) -> list[str]:
    return list(command) if isinstance(command, list) else shlex.split(command)


def _importable(code: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter with a development environment (no production secrets here)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SFOFLOW_")}
    env["SFOFLOW_INSTANCE_DIR"] = tempfile.mkdtemp(prefix="sfoflow-compose-")
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_the_expected_services_are_there():
    assert set(SERVICES) == {"db", "redis", "migrate", "web", "worker", "beat"}
    assert set(SFOFLOW_SERVICES) == {"migrate", "web", "worker", "beat"}


@pytest.mark.parametrize("name", sorted(SFOFLOW_SERVICES))
def test_each_service_command_is_a_real_entry_point(name):
    argv = _argv(SFOFLOW_SERVICES[name]["command"])
    if argv[0] == "sfoflow":
        assert argv[1] in cli.commands, f"{name}: `sfoflow {argv[1]}` is not a command"
        ctx = cli.commands[argv[1]].make_context(argv[1], argv[2:])  # the options parse
        assert ctx.command.name == argv[1]
    elif argv[0] == "celery":
        module = argv[argv.index("-A") + 1]
        result = _importable(f"import {module} as m, celery; assert isinstance(m.celery, celery.Celery)")
        assert result.returncode == 0, result.stderr[-2000:]
    elif argv[0] == "gunicorn":
        module, attr = argv[-1].split(":")
        result = _importable(f"import {module} as m; assert callable(m.{attr})")
        assert result.returncode == 0, result.stderr[-2000:]
    else:
        pytest.fail(f"{name}: unknown entry point {argv[0]!r}")


def test_the_worker_and_wsgi_entry_points_import():
    """`sfoflow worker`/`beat` exec `celery -A sfoflow.worker`; `sfoflow.wsgi:app` is gunicorn's target."""
    result = _importable("import celery, flask, sfoflow.worker as w, sfoflow.wsgi as g; "
                         "assert isinstance(w.celery, celery.Celery) and not hasattr(w, 'app'); "
                         "assert isinstance(g.app, flask.Flask)")
    assert result.returncode == 0, result.stderr[-2000:]


def _environment(service: dict) -> dict:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return env


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_sfoflow_variable_set_is_one_the_config_reads(name):
    env = _environment(SERVICES[name])
    unknown = {k for k in env if k.startswith("SFOFLOW_")} - set(ENVIRONMENT)
    assert not unknown, f"{name} sets {sorted(unknown)}, which sfoflow.config does not read"
    if name in SFOFLOW_SERVICES:
        assert not {k for k in env if not k.startswith("SFOFLOW_")}, f"{name} sets a variable sfoflow ignores"


def test_secrets_are_not_written_in_the_compose_file():
    for name, service in SERVICES.items():
        for key, value in _environment(service).items():
            if re.search(r"SECRET|PASSWORD|SAMPLING_KEY", key):
                assert str(value).startswith("${"), f"{name}: {key} must come from .env, not the file"
    for name in SFOFLOW_SERVICES:
        env = _environment(SERVICES[name])
        assert "SFOFLOW_SECRET_KEY" not in env and SERVICES[name]["env_file"] == ".env"
        assert env["SFOFLOW_ENV"] == "production"


def test_every_service_has_a_health_check_and_the_long_running_ones_wait_for_the_migration():
    for name, service in SERVICES.items():
        check = service.get("healthcheck", {})
        assert check.get("test") or (name == "migrate" and check.get("disable")), f"{name} has no health check"
    for name in ("web", "worker", "beat"):
        assert SERVICES[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_env_example_holds_no_secret_and_only_known_variables():
    names = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            names[key] = value
    assert {k for k in names if k.startswith("SFOFLOW_")} <= set(ENVIRONMENT)
    assert names["SFOFLOW_SECRET_KEY"] == names["SFOFLOW_SAMPLING_KEY"] == names["POSTGRES_PASSWORD"] == ""
    assert ".env" in (ROOT / ".gitignore").read_text().split()


def test_the_dockerfile_runs_an_sfoflow_command_as_a_normal_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r'^CMD \["sfoflow", "(\w+)"\]', dockerfile, re.M).group(1) in cli.commands
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.M)
    for variable in re.findall(r"\b(SFOFLOW_[A-Z_]+)=", dockerfile):
        assert variable in ENVIRONMENT


def test_the_readme_documents_every_variable_and_command():
    for variable in ENVIRONMENT:
        assert f"`{variable}`" in README, f"README does not document {variable}"
    for command in cli.commands:
        assert f"sfoflow {command}" in README, f"README does not mention `sfoflow {command}`"


def _quick_start() -> list[str]:
    """The commands in the README's Quick start code block."""
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```(?:sh|bash|console)?\n(.*?)```", section, re.S).group(1)
    return [line.strip() for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_the_quick_start_is_two_commands_and_ci_runs_the_test_one_exactly():
    start, test = _quick_start()
    assert start.endswith("dev.py start") and test.endswith("dev.py test")
    ci = (ROOT / ".ci" / "run").read_text()
    assert test in ci
    assert os.access(ROOT / ".ci" / "run", os.X_OK)
