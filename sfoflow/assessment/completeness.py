"""What is still missing before a QA assessment can be submitted (pure, no I/O).

An empty list means ready to submit. Each entry is a sentence a person can act on, naming the
item by its number on the form and quoting its wording.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from .framework import TEXT, Framework, Item
from .ratings import NA, Rating, normalise_answer

__all__ = ["Gap", "gaps_for_submit", "missing_for_submit"]


class Gap(NamedTuple):
    """One thing missing: the field it is about (``answers.<item id>``, ``ratings.<standard>``,
    ``feedback.<standard>``, ``summary``; None when it is not on the form) and the sentence."""
    field: str | None
    message: str


def _quote(item: Item) -> str:
    ref = item.reference
    if ref == "Information section":
        ref += ":"
    return f"{ref} “{item.text}”"


def _standard_name(framework: Framework, sid: str) -> str:
    try:
        return f"Standard {sid} ({framework.standard(sid).title})"
    except KeyError:
        return f"Standard {sid}"


def missing_for_submit(
    framework: Framework,
    answers: Mapping[str, str | None],
    ratings: Mapping[str, Rating | str | None],
    feedback: Mapping[str, str | None],
    summary: str | None,
) -> list[str]:
    """The sentences of ``gaps_for_submit``."""
    return [gap.message for gap in gaps_for_submit(framework, answers, ratings, feedback, summary)]


def gaps_for_submit(
    framework: Framework,
    answers: Mapping[str, str | None],
    ratings: Mapping[str, Rating | str | None],
    feedback: Mapping[str, str | None],
    summary: str | None,
) -> list[Gap]:
    """List every missing or invalid thing, in form order, each with the field it is about.

    * ``answers``: item id -> 'yes' | 'no' | 'na' for yes/no items (case-insensitive; 'N/A'
      accepted); free text for text items (e.g. ``info.staff_not_interviewed_reason``).
    * every required yes/no item answered; 'na' only where the framework allows it;
      conditionally required text items (``required_if``) filled in;
    * ``ratings``: standard id -> Rating (or its label/key), one per standard;
    * ``feedback``: standard id -> written feedback, non-blank for every standard;
    * ``summary``: the overall summary, non-blank (when the framework requires it).
    Answers, ratings or feedback for ids the framework does not have are reported too (they
    usually mean the QA was started against another framework version).
    """
    missing: list[Gap] = []

    normalised: dict[str, str | None] = {}
    invalid: set[str] = set()
    for item in framework.all_items():
        raw = answers.get(item.id)
        if item.answer_type == TEXT:
            normalised[item.id] = raw.strip() if isinstance(raw, str) and raw.strip() else None
            continue
        try:
            normalised[item.id] = normalise_answer(raw)
        except ValueError:
            normalised[item.id] = None
            invalid.add(item.id)

    for item in framework.all_items():
        if item.id in invalid:
            missing.append(Gap(f"answers.{item.id}", f"{_quote(item)}: {answers.get(item.id)!r} is not a valid "
                                                     f"answer (use {_allowed_phrase(item)})"))
            continue
        value = normalised[item.id]
        required = item.required
        reason = ""
        if item.required_if is not None and normalised.get(item.required_if.item) == item.required_if.equals:
            required = True
            trigger = framework.item(item.required_if.item)
            reason = (f" (needed because “{trigger.text}” is answered "
                      f"{_answer_word(item.required_if.equals)})")
        if value is None:
            if required:
                what = "is not filled in" if item.answer_type == TEXT else "is not answered"
                missing.append(Gap(f"answers.{item.id}", f"{_quote(item)} {what}{reason}"))
            continue
        if value == NA and not item.allows_na:
            missing.append(Gap(f"answers.{item.id}",
                               f"{_quote(item)}: 'not applicable' is not allowed here; answer yes or no"))

    for sid in framework.standard_ids():
        name = _standard_name(framework, sid)
        r = ratings.get(sid)
        if r is None or (isinstance(r, str) and not r.strip()):
            missing.append(Gap(f"ratings.{sid}", f"{name}: no rating"))
        else:
            try:
                Rating.parse(r)
            except ValueError:
                missing.append(Gap(f"ratings.{sid}", f"{name}: {r!r} is not a rating (use "
                                   + ", ".join(x.label for x in Rating) + ")"))
        if framework.feedback_required:
            fb = feedback.get(sid)
            if not isinstance(fb, str) or not fb.strip():
                missing.append(Gap(f"feedback.{sid}", f"{name}: written feedback is missing"))

    if framework.summary_required and (not isinstance(summary, str) or not summary.strip()):
        missing.append(Gap("summary", "The overall summary is missing"))

    label = f"QA framework {framework.key} ({framework.version})"
    for item_id in answers:
        if not framework.has_item(item_id):
            missing.append(Gap(None, f"An answer is recorded for {item_id!r}, which is not in {label}"))
    known = set(framework.standard_ids())
    for sid in ratings:
        if sid not in known:
            missing.append(Gap(None, f"A rating is recorded for standard {sid!r}, which is not in {label}"))
    for sid in feedback:
        if sid not in known:
            missing.append(Gap(None, f"Feedback is recorded for standard {sid!r}, which is not in {label}"))
    return missing


def _answer_word(value: str) -> str:
    return {"yes": "yes", "no": "no", "na": "not applicable"}.get(value, value)


def _allowed_phrase(item: Item) -> str:
    return "yes, no or not applicable" if item.allows_na else "yes or no"
