"""Stratified "cell" sampling of SFO reviews for HMIP quality assurance.

``design`` is the pure decision rule (no I/O, no framework); ``simulate`` replays an intake
through it. See ``design`` for the algorithm and how to re-derive any decision.
"""
