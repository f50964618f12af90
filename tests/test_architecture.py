"""The shape of the code, read from the source with ``ast`` (nothing is imported or run):

* the pure core (workflows, sampling, assessment, deadlines, working days, reports, refusals,
  and the finding of the config folder) is plain Python: it never imports flask, sqlalchemy
  or celery, and from sfoflow only the pure core;
* the JSON API (sfoflow/api) and the web pages (sfoflow/web) do not import each other;
* the services (sfoflow/services) never read flask (current_app and the like): what they need
  from the application is passed to them;
* no test module imports another test module or a conftest (shared helpers live in tests/support).

Every import counts, including one inside a function: a late import is still a dependency.
"""
from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "sfoflow"
TESTS = REPO / "tests"

PURE_CORE = ("sfoflow.workflows", "sfoflow.sampling", "sfoflow.assessment", "sfoflow.deadlines",
             "sfoflow.working_days", "sfoflow.reports", "sfoflow.refusals", "sfoflow.config_dir",
             "sfoflow.csv_safe")
FRAMEWORKS = ("flask", "sqlalchemy", "celery")


def module_name(path: Path, root: Path = REPO) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path, root: Path = REPO) -> list[tuple[str, int]]:
    """(absolute module name, line) for every import in the file. ``from a import b`` gives both
    ``a`` and ``a.b`` (b may be a module); relative imports are resolved against the file's package."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[:len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            found.append((base, node.lineno))
            found += [(f"{base}.{alias.name}", node.lineno) for alias in node.names if alias.name != "*"]
    return found


def python_files(module: str) -> list[Path]:
    """The files of a package (recursively) or of a single module, e.g. 'sfoflow.working_days'."""
    path = REPO.joinpath(*module.split("."))
    if path.is_dir():
        return sorted(path.rglob("*.py"))
    return [path.with_suffix(".py")]


def within(name: str, module: str) -> bool:
    return name == module or name.startswith(module + ".")


def offences(modules, forbidden) -> list[str]:
    """'file:line imports name' for each import in ``modules`` for which ``forbidden(name)``."""
    out = {}
    for module in modules:
        for path in python_files(module):
            for name, line in imports(path):
                if forbidden(name):  # 'from a import b' yields a and a.b: name the line once
                    out.setdefault(f"{path.relative_to(REPO)}:{line}", name)
    return [f"{where} imports {name}" for where, name in sorted(out.items())]


def test_the_checked_places_exist():
    """A renamed package would make the checks below pass by checking nothing."""
    for module in (*PURE_CORE, "sfoflow.api", "sfoflow.web", "sfoflow.services"):
        files = python_files(module)
        assert files and all(f.is_file() for f in files), module


def test_the_import_reader_sees_late_and_relative_imports(tmp_path):
    """The reader itself, on a file written here: an import inside a function and a relative
    import are both found, with their absolute names."""
    folder = tmp_path / "sfoflow" / "web"
    folder.mkdir(parents=True)
    (folder / "pages.py").write_text("import os\n\ndef page():\n    from ..api.reviews import bp\n"
                                     "    import flask.globals\n")
    names = {n for n, _ in imports(folder / "pages.py", root=tmp_path)}
    assert {"os", "sfoflow.api.reviews", "sfoflow.api.reviews.bp", "flask.globals"} <= names


def test_the_pure_core_imports_no_framework():
    bad = offences(PURE_CORE, lambda n: n.split(".")[0] in FRAMEWORKS or n.startswith("flask_"))
    assert not bad, "the pure core must stay plain Python:\n" + "\n".join(bad)


def test_the_pure_core_imports_only_the_pure_core_from_sfoflow():
    """Importing sfoflow.models or sfoflow.services would bring sqlalchemy in by the back door."""
    bad = offences(PURE_CORE, lambda n: within(n, "sfoflow") and n != "sfoflow"
                   and not any(within(n, core) for core in PURE_CORE))
    assert not bad, "the pure core imports from outside it:\n" + "\n".join(bad)


def test_the_api_and_the_web_pages_do_not_import_each_other():
    bad = offences(["sfoflow.api"], lambda n: within(n, "sfoflow.web"))
    bad += offences(["sfoflow.web"], lambda n: within(n, "sfoflow.api"))
    assert not bad, "sfoflow/api and sfoflow/web must not depend on each other:\n" + "\n".join(bad)


def test_the_services_never_read_flask():
    bad = offences(["sfoflow.services"], lambda n: n.split(".")[0] == "flask" or n.startswith("flask_"))
    for path in python_files("sfoflow.services"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        bad += [f"{path.relative_to(REPO)}:{node.lineno} reads current_app" for node in ast.walk(tree)
                if isinstance(node, ast.Name) and node.id == "current_app"
                or isinstance(node, ast.Attribute) and node.attr == "current_app"]
    assert not bad, "services get what they need as arguments, never from flask:\n" + "\n".join(sorted(set(bad)))


def test_no_test_module_imports_another_test_module_or_a_conftest():
    bad = {}
    for path in sorted(TESTS.rglob("*.py")):
        for name, line in imports(path):
            parts = name.split(".")
            if parts[0] == "tests" and any(p.startswith("test_") or p == "conftest" for p in parts[1:]):
                bad.setdefault(f"{path.relative_to(REPO)}:{line}", f"imports {name}")
    bad = [f"{where} {what}" for where, what in bad.items()]
    assert not bad, "share through fixtures in conftest.py or helpers in tests/support:\n" + "\n".join(bad)
