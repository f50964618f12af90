"""Where the reference data is: the one place that finds the ``config/`` folder.

The data lives in ``config/`` at the top of the repository. A built wheel (a normal
``pip install .``, the Docker image) also carries a copy inside the package,
``sfoflow/_config/``, made by setup.py's build step; a checkout or an editable install has no
copy and reads the repository's folder. Plain Python (no framework imports): the pure core
uses it.
"""
from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SHIPPED_CONFIG_DIR = PACKAGE_DIR / "_config"  # the name setup.py copies config/ to
REPOSITORY_CONFIG_DIR = PACKAGE_DIR.parent / "config"


def find_config_dir() -> Path:
    """The copy shipped inside the installed package if there is one, else the repository's."""
    return SHIPPED_CONFIG_DIR if SHIPPED_CONFIG_DIR.is_dir() else REPOSITORY_CONFIG_DIR


CONFIG_DIR = find_config_dir()
