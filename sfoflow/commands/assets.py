"""``sfoflow assets``: install GOV.UK Frontend with npm and copy its built files into static/.

The copies live in sfoflow/web/static/govuk/ (gitignored). Pages still render without them,
unstyled, so a missing npm never stops the service; it only loses the look.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[2]  # the repository: package.json lives here
TARGET = ROOT / "sfoflow" / "web" / "static" / "govuk"
PACKAGE = "govuk-frontend"
FILES = ("govuk-frontend.min.css", "govuk-frontend.min.js")


class AssetsError(click.ClickException):
    pass


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def locked_version(root: Path = ROOT) -> str | None:
    lock = _read_json(root / "package-lock.json") or {}
    return lock.get("packages", {}).get(f"node_modules/{PACKAGE}", {}).get("version")


def installed_version(root: Path = ROOT) -> str | None:
    return (_read_json(root / "node_modules" / PACKAGE / "package.json") or {}).get("version")


def copied_version(target: Path = TARGET) -> str | None:
    marker = target / "VERSION"
    return marker.read_text(encoding="utf-8").strip() if marker.exists() else None


def needs_install(root: Path = ROOT) -> bool:
    """node_modules is missing, or holds a version other than the lock file's."""
    installed = installed_version(root)
    if installed is None:
        return True
    locked = locked_version(root)
    return locked is not None and locked != installed


def npm_install(root: Path = ROOT, echo=click.echo) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise AssetsError("npm is not installed, so the GOV.UK Frontend assets cannot be installed. "
                          "Install Node.js and npm (Debian: apt-get install npm) and run `sfoflow assets` "
                          "again. Pages still work without the assets, unstyled.")
    # `npm ci` installs exactly the lock file; `npm install` when there is none yet.
    args = [npm, "ci"] if (root / "package-lock.json").exists() else [npm, "install"]
    args += ["--no-audit", "--no-fund"]
    echo(f"running {' '.join(args[0:2])} in {root}")
    result = subprocess.run(args, cwd=root, capture_output=True, text=True)
    if result.returncode != 0:
        raise AssetsError(f"`{' '.join(args)}` failed (exit {result.returncode}):\n"
                          f"{(result.stderr or result.stdout).strip()[-2000:]}")


def copy_assets(root: Path = ROOT, target: Path = TARGET) -> str:
    """Copy the built CSS, JS, fonts and images; return the version copied."""
    dist = root / "node_modules" / PACKAGE / "dist" / "govuk"
    missing = [p for p in (*FILES, "assets") if not (dist / p).exists()]
    if missing:
        raise AssetsError(f"{dist} lacks {', '.join(missing)}; is {PACKAGE} 6.x installed?")
    version = installed_version(root) or "unknown"
    staging = target.with_name(target.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    shutil.copytree(dist / "assets", staging / "assets")
    shutil.copy2(dist / FILES[1], staging / FILES[1])
    # The precompiled CSS asks for fonts and images at /assets/; point it at the copy beside it.
    css = (dist / FILES[0]).read_text(encoding="utf-8").replace("url(/assets/", "url(assets/")
    (staging / FILES[0]).write_text(css, encoding="utf-8")
    (staging / "VERSION").write_text(version + "\n", encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)  # swap in whole: never a half-copied folder
    staging.rename(target)
    return version


def ensure_assets(root: Path = ROOT, target: Path = TARGET, echo=click.echo, force: bool = False) -> str:
    """Install (if needed) and copy (if needed). Safe to call on every start."""
    if force or needs_install(root):
        npm_install(root, echo)
    version = installed_version(root)
    if force or copied_version(target) != version or not all((target / f).exists() for f in FILES):
        version = copy_assets(root, target)
        echo(f"copied {PACKAGE} {version} into {target}")
    else:
        echo(f"{PACKAGE} {version} is installed and up to date in {target}")
    return version


@click.command(help="Install the GOV.UK Frontend assets (npm) and copy them into sfoflow/web/static/govuk/.")
@click.option("--force", is_flag=True, help="Reinstall and copy even if up to date.")
def assets(force: bool) -> None:
    ensure_assets(force=force)
