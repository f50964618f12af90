"""Import the modules that plug checks, effects and intake hooks into the lifecycle."""
from . import allocation, assessment, sampling  # noqa: F401
