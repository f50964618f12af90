"""The one place sfoflow reads its environment.

Defaults live in ``config/settings.json``; environment variables (``SFOFLOW_*``) override
them. Secrets (secret key, sampling key, SMTP password) come only from the environment: in
production the app refuses to start without them.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from .config_dir import CONFIG_DIR

DEV_SECRET = "dev-only-not-secret"
DEV_SAMPLING_KEY = "dev-only-sampling-key"

# Every variable the app reads, with what it means. docker-compose and the README are
# checked against this list by the tests, so nothing can set a variable nobody reads.
ENVIRONMENT = {
    "SFOFLOW_ENV": "development (default), test or production",
    "SFOFLOW_SECRET_KEY": "Flask session/CSRF key; required in production",
    "SFOFLOW_SAMPLING_KEY": "HMAC key for the sample draw; required in production",
    "SFOFLOW_DATABASE_URL": "SQLAlchemy URL; default a SQLite file in the instance folder",
    "SFOFLOW_BROKER_URL": "Celery broker; default kombu's SQLAlchemy transport on SQLite",
    "SFOFLOW_RESULT_BACKEND": "Celery result backend",
    "SFOFLOW_INSTANCE_DIR": "folder for SQLite files and beat state (default ./instance)",
    "SFOFLOW_BASE_URL": "public URL used in links inside emails",
    "SFOFLOW_WORKER_CONCURRENCY": "processes per Celery worker (2)",
    "SFOFLOW_BIND": "address:port the web server listens on (127.0.0.1:5000)",
    "SFOFLOW_WEB_WORKERS": "gunicorn worker processes for the web (2)",
    "SFOFLOW_LOG_LEVEL": "INFO by default",
    "SFOFLOW_SMTP_HOST": "SMTP server; unset means emails go to the database outbox",
    "SFOFLOW_SMTP_PORT": "SMTP port (587)",
    "SFOFLOW_SMTP_USER": "SMTP user",
    "SFOFLOW_SMTP_PASSWORD": "SMTP password",
    "SFOFLOW_SMTP_FROM": "From address of sfoflow's emails",
    "SFOFLOW_SMTP_STARTTLS": "true (default) or false",
}


MAKE_SECRET = 'Make one with: python3 -c "import secrets; print(secrets.token_urlsafe(48))"'
SECRET_MIN_LENGTH = 32
# Words that mark a placeholder or an example rather than a secret someone generated.
# Six letters or more, so a generated key (64 symbols a character) practically never holds one by chance.
PLACEHOLDERS = ("changeme", "change-me", "change_me", "secret", "password", "placeholder", "example",
                "dev-only", "default", "replace", "your-key", "your_key", "insert-", "fill-in")


def weak_secret(value: str, default: str = "") -> str | None:
    """Why ``value`` is not good enough for a production secret, or None if it is: at least 32
    characters, not a known default or placeholder, and random-looking (at least 2.75 bits of
    entropy per character: a hex or base64 key from ``secrets`` has about 4 to 6)."""
    import math
    from collections import Counter

    if not value:
        return "it is not set"
    if value == default:
        return "it is the development default"
    if len(value) < SECRET_MIN_LENGTH:
        return f"it has {len(value)} characters; at least {SECRET_MIN_LENGTH} are needed"
    lowered = value.lower()
    if any(word in lowered for word in PLACEHOLDERS):
        return "it looks like a placeholder, not a generated secret"
    counts = Counter(value)
    entropy = -sum(c / len(value) * math.log2(c / len(value)) for c in counts.values())
    if entropy < 2.75:
        return "it is not random enough (too many repeated characters)"
    return None


def load_defaults(config_dir: Path = CONFIG_DIR) -> dict:
    with open(config_dir / "settings.json", encoding="utf-8") as fh:
        data = json.load(fh)
    return {k: v for k, v in data.items() if not k.startswith("_")}


class ConfigError(RuntimeError):
    pass


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    secret_key: str = DEV_SECRET
    sampling_key: str = DEV_SAMPLING_KEY
    database_url: str = ""
    broker_url: str = ""
    result_backend: str = ""
    instance_dir: str = "instance"
    base_url: str = "http://127.0.0.1:5000"
    worker_concurrency: int = 2
    bind: str = "127.0.0.1:5000"
    web_workers: int = 2
    log_level: str = "INFO"
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "sfoflow@localhost"
    smtp_starttls: bool = True
    defaults: dict = field(default_factory=dict)

    @property
    def production(self) -> bool:
        return self.env == "production"

    def check(self) -> None:
        """Refuse to run in production with a development secret."""
        if self.env not in ("development", "test", "production"):
            raise ConfigError(f"SFOFLOW_ENV must be development, test or production, not {self.env!r}")
        if self.production:
            for name, value, default in (("SFOFLOW_SECRET_KEY", self.secret_key, DEV_SECRET),
                                         ("SFOFLOW_SAMPLING_KEY", self.sampling_key, DEV_SAMPLING_KEY)):
                problem = weak_secret(value, default)
                if problem:
                    raise ConfigError(f"{name} must be set to a real secret in production: {problem}. {MAKE_SECRET}")
            if self.secret_key == self.sampling_key:
                raise ConfigError("SFOFLOW_SECRET_KEY and SFOFLOW_SAMPLING_KEY must be different secrets in "
                                  f"production: one leaked must not give away the other. {MAKE_SECRET}")


def _sqlite_url(template: str, instance_dir: str) -> str:
    # Defaults name files under "instance/"; point them at the configured folder instead.
    return template.replace("///instance/", f"///{Path(instance_dir).resolve()}/")


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names; None for another database or an in-memory one."""
    if not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[-1]
    return Path(path) if path and path != ":memory:" else None


def _positive_int(env, name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < 1:
        raise ConfigError(f"{name} must be at least 1, not {value}")
    return value


def from_env(environ: dict | None = None, **overrides) -> Settings:
    env = os.environ if environ is None else environ
    defaults = load_defaults()
    instance_dir = env.get("SFOFLOW_INSTANCE_DIR", "instance")
    types = {f.name: f.type for f in fields(Settings)}
    values = dict(
        env=env.get("SFOFLOW_ENV", "development"),
        secret_key=env.get("SFOFLOW_SECRET_KEY", DEV_SECRET),
        sampling_key=env.get("SFOFLOW_SAMPLING_KEY", DEV_SAMPLING_KEY),
        database_url=env.get("SFOFLOW_DATABASE_URL") or _sqlite_url(defaults["database_url"], instance_dir),
        broker_url=env.get("SFOFLOW_BROKER_URL") or _sqlite_url(defaults["broker_url"], instance_dir),
        result_backend=env.get("SFOFLOW_RESULT_BACKEND") or _sqlite_url(defaults["result_backend"], instance_dir),
        instance_dir=instance_dir,
        base_url=env.get("SFOFLOW_BASE_URL", defaults["base_url"]),
        worker_concurrency=_positive_int(env, "SFOFLOW_WORKER_CONCURRENCY", 2),
        bind=env.get("SFOFLOW_BIND", "127.0.0.1:5000"),
        web_workers=_positive_int(env, "SFOFLOW_WEB_WORKERS", 2),
        log_level=env.get("SFOFLOW_LOG_LEVEL", "INFO"),
        smtp_host=env.get("SFOFLOW_SMTP_HOST", ""),
        smtp_port=_positive_int(env, "SFOFLOW_SMTP_PORT", 587),
        smtp_user=env.get("SFOFLOW_SMTP_USER", ""),
        smtp_password=env.get("SFOFLOW_SMTP_PASSWORD", ""),
        smtp_from=env.get("SFOFLOW_SMTP_FROM", "sfoflow@localhost"),
        smtp_starttls=env.get("SFOFLOW_SMTP_STARTTLS", "true").lower() != "false",
        defaults=defaults,
    )
    values.update(overrides)
    assert set(values) <= set(types)
    settings = Settings(**values)
    settings.check()
    return settings
