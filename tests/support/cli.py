"""The ``sfoflow`` command as it is installed: the console script beside the running Python
(``.venv/bin/sfoflow``), not ``python -m sfoflow`` and not a path inside the repository, so the
tests also prove that the package's entry point is declared and works."""
from __future__ import annotations

import sys
from pathlib import Path

SFOFLOW = Path(sys.executable).with_name("sfoflow")


def sfoflow(*args: str) -> list[str]:
    """The argv for running ``sfoflow *args``."""
    return [str(SFOFLOW), *args]
