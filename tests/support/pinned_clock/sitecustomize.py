"""Python imports this module at start-up when its folder is on PYTHONPATH, which the tests put
there only in a run pinned to a chosen moment (tests/support/clock.py): every Python process the
tests start then reads the same pinned clock as the tests. It then runs the sitecustomize it
stands in front of, if the interpreter has one."""
import importlib.machinery
import importlib.util
import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
# tests/support/clock.py by its path: the repository is not on sys.path yet while Python starts.
_clock_spec = importlib.util.spec_from_file_location("_sfoflow_test_clock", os.path.join(_here, "..", "clock.py"))
_clock = importlib.util.module_from_spec(_clock_spec)
_clock_spec.loader.exec_module(_clock)
_clock.pin_child()

_others = [p for p in sys.path if os.path.abspath(p or ".") != _here]
_spec = importlib.machinery.PathFinder.find_spec("sitecustomize", _others)
if _spec is not None and _spec.loader is not None:
    _module = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_module)
