"""``python -m sfoflow`` is the ``sfoflow`` command (used where the console script is not on PATH)."""
from .cli import main

main()
