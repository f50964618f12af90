"""Plain helpers the tests share: arranging data, an independent calendar, a real worker process.

Not fixtures and not tests: fixtures live in tests/conftest.py (and tests/web/browser/conftest.py),
and they, like the test modules, import from here. No test module imports another test module
or a conftest.
"""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]  # the repository: config/, docs/, README.md
DATA = REPO / "tests" / "data"              # committed test data (the source documents)
