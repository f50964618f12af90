"""The sample design: cell sampling within region, driven by a keyed hash.

Algorithm (version ``ALGORITHM_VERSION``)
----------------------------------------
Within each region and sampling year, reviews are numbered 1, 2, 3, ... in order of arrival
and cut into consecutive *runs* of ``k`` (``k = 5`` for a 20% rate). At the arrival in run
position ``j`` (0-based, ``j = 0 .. k-1``):

* if the run already has a selection, the threshold is ``0.0`` (never selected);
* otherwise the threshold is ``1 / (k - j)``, so the last position of an unselected run has
  threshold ``1.0`` and is always selected;

and the review is selected iff ``u < threshold``, where ``u = uniform(key, reference, year)``.

Consequences: every review is selected with probability exactly ``1/k`` (the product
``(k-1)/k * (k-2)/(k-1) * ... * 1/(k-j)`` telescopes to ``1/k``); every complete run has
exactly one selection; so after ``n`` arrivals a region has ``floor(n/k)`` or
``floor(n/k) + 1`` selections, always within one of ``n/k``.

A change of rate (an admin changes the setting) takes effect in a region at its next run
boundary, that is from the next review that would start a new run: the run in progress finishes
at the old rate, so it keeps its one selection, and runs are then counted afresh from
``run_start`` (the arrivals at which the new rate took effect): ``j = (arrivals - run_start) % k``.
Past decisions are never rewritten; after the change a region's selections stay within one of
the sum of intake/k over the stretches at each rate.

Re-deriving ``u``
-----------------
``u = int.from_bytes(HMAC-SHA256(key, message)[:8], "big") >> 11`` divided by ``2**53``,
where ``message = f"{sampling_year}:{reference}"`` encoded as UTF-8, ``sampling_year`` is
the decimal year in which the sampling year starts (see ``sampling_year_of``) and
``reference`` has leading and trailing whitespace stripped (``str.strip()``) and is otherwise
used exactly as recorded (case is kept). ``u`` is a multiple of ``2**-53`` in ``[0, 1)``.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date

ALGORITHM_VERSION = "cell-hmac-sha256-v1"

_BITS = 53
_SCALE = float(2**_BITS)


def normalise_reference(reference: str) -> str:
    """The reference as hashed: surrounding whitespace stripped, nothing else changed."""
    if not isinstance(reference, str):
        raise TypeError(f"reference must be a str, not {type(reference).__name__}")
    ref = reference.strip()
    if not ref:
        raise ValueError("reference is empty")
    return ref


def uniform(key: bytes, reference: str, sampling_year: int) -> float:
    """The permanent random number in [0, 1) for one review (see the module docstring)."""
    if not isinstance(key, (bytes, bytearray)) or not key:
        raise ValueError("sampling key must be non-empty bytes")
    if isinstance(sampling_year, bool) or not isinstance(sampling_year, int):
        raise TypeError("sampling_year must be an int")
    message = f"{sampling_year}:{normalise_reference(reference)}".encode()
    digest = hmac.new(bytes(key), message, hashlib.sha256).digest()
    return (int.from_bytes(digest[:8], "big") >> (64 - _BITS)) / _SCALE


def sampling_year_of(d: date, start_month: int = 4) -> int:
    """The calendar year in which the sampling year containing ``d`` starts.

    With the default (April), 31 March 2025 is in sampling year 2024 and 1 April 2025 in
    2025. ``start_month=1`` gives the calendar year.
    """
    if isinstance(start_month, bool) or not isinstance(start_month, int) or not 1 <= start_month <= 12:
        raise ValueError(f"start_month must be a whole number 1..12, got {start_month!r}")
    return d.year if d.month >= start_month else d.year - 1


@dataclass(frozen=True, slots=True)
class RegionState:
    """What is stored (and locked) per region and sampling year between arrivals."""

    arrivals: int = 0
    run_has_selection: bool = False
    run_start: int = 0  # arrivals when the current rate took effect (runs are counted from here)

    def at_run_boundary(self, k: int) -> bool:
        """True when the next arrival starts a new run (a rate change may take effect)."""
        return (self.arrivals - self.run_start) % k == 0 and not self.run_has_selection


def change_rate(state: RegionState, old_k: int, new_k: int) -> RegionState:
    """The state from which ``new_k`` applies; only at a run boundary of ``old_k``."""
    check_k(old_k)
    check_k(new_k)
    if not state.at_run_boundary(old_k):
        raise ValueError(f"the rate can change only at a run boundary (arrival {state.arrivals + 1} is "
                         f"inside a run of {old_k})")
    return RegionState(state.arrivals, False, state.arrivals)


@dataclass(frozen=True, slots=True)
class Decision:
    arrival_order: int  # 1-based within region and sampling year
    run_number: int  # 1-based
    run_position: int  # j, 0-based
    uniform: float
    threshold: float
    selected: bool
    algorithm_version: str = ALGORITHM_VERSION


def check_k(k: int) -> int:
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"sampling rate must be 1/k for a whole number k >= 1, got k={k!r}")
    return k


def decide(state: RegionState, u: float, k: int = 5) -> tuple[Decision, RegionState]:
    """Decide the next arrival in a region; return the decision and the region's new state."""
    check_k(k)
    if not (isinstance(u, float) and 0.0 <= u < 1.0):  # also rejects NaN
        raise ValueError(f"u must be a float in [0, 1), got {u!r}")
    if isinstance(state.arrivals, bool) or not isinstance(state.arrivals, int) or state.arrivals < 0:
        raise ValueError(f"invalid region state: arrivals={state.arrivals!r}")
    if isinstance(state.run_start, bool) or not isinstance(state.run_start, int) or not (
            0 <= state.run_start <= state.arrivals):
        raise ValueError(f"invalid region state: run_start={state.run_start!r}")
    counted = state.arrivals - state.run_start
    j = counted % k
    if j == 0 and state.run_has_selection:
        raise ValueError(
            f"invalid region state: a new run starts at arrival {state.arrivals + 1} but the "
            "state says the run already has a selection (was k changed mid-year?)"
        )
    threshold = 0.0 if state.run_has_selection else 1.0 / (k - j)
    selected = u < threshold
    decision = Decision(
        arrival_order=state.arrivals + 1,
        run_number=counted // k + 1,
        run_position=j,
        uniform=u,
        threshold=threshold,
        selected=selected,
    )
    run_ends = j == k - 1
    new_state = RegionState(
        arrivals=state.arrivals + 1,
        run_has_selection=(state.run_has_selection or selected) and not run_ends,
        run_start=state.run_start,
    )
    return decision, new_state
