"""The QA framework model: what a framework version is made of, once loaded and validated.

Plain frozen dataclasses (Framework, Standard, Section, KeyQuestion, Item, Condition) and the
errors raised when a framework file cannot be used. Building them from JSON is
``framework_validation``; finding and caching the files is ``framework_loading``.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .ratings import MAX_SCORE_PER_STANDARD, Rating, ShareBand

YES_NO = "yes_no"
TEXT = "text"
ANSWER_TYPES = (YES_NO, TEXT)

KIND_QUESTION = "question"  # information section / chronology item
KIND_KEY_QUESTION = "key_question"
KIND_PROMPT = "prompt"


class FrameworkError(ValueError):
    """The framework file is missing or invalid. ``problems`` lists every problem found."""

    def __init__(self, message: str, problems: list[str] | None = None):
        self.problems = list(problems or [])
        if self.problems:
            message = message + ":\n  - " + "\n  - ".join(self.problems)
        super().__init__(message)


class UnknownFrameworkVersion(FrameworkError, LookupError):
    pass


@dataclass(frozen=True)
class Condition:
    """``required_if``: the item is required when item ``item`` has answer ``equals``."""

    item: str
    equals: str


@dataclass(frozen=True, kw_only=True)
class Item:
    """Anything answered on the form: an information/chronology question, a key question, or a
    prompt."""

    id: str
    text: str
    kind: str
    answer_type: str
    required: bool
    allows_na: bool
    guidance: str = ""
    number: str | None = None
    parent_id: str | None = None  # key question id for its prompts
    standard_id: str | None = None
    section_id: str | None = None
    na_basis: str | None = None  # why 'not applicable' is allowed (from the guidance)
    required_if: Condition | None = None
    verbatim: bool = True  # text is the exact wording of the source form
    guidance_full: tuple[str, ...] = ()  # the whole guidance of seed 001 for it, paragraph by paragraph

    @property
    def is_yes_no(self) -> bool:
        return self.answer_type == YES_NO

    @property
    def reference(self) -> str:
        """How a person would refer to it: '1.1', '1.1 a)', '2 c)', 'Chronology b)'."""
        if self.kind == KIND_KEY_QUESTION:
            return self.number or self.id
        if self.kind == KIND_PROMPT:
            return f"{self.parent_id or self.standard_id} {self.number})"
        if self.section_id == "chron" and self.number:
            return f"Chronology {self.number})"
        return "Information section"


@dataclass(frozen=True, kw_only=True)
class KeyQuestion(Item):
    label: str = ""  # short name: 'Assessment', 'Planned actions'
    prompts: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Section:
    """An unrated part of the form (information section, chronology)."""

    id: str
    title: str
    statement: str | None
    guidance: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Standard:
    id: str
    number: str
    title: str
    statement: str
    guidance: str
    key_questions: tuple[KeyQuestion, ...]
    prompts: tuple[Item, ...]  # prompts directly under the standard (standards 2 and 4)
    characteristics: Mapping[str, str] = field(default_factory=dict)  # rating key -> summary
    guidance_full: tuple[str, ...] = ()  # seed 001's judgement guidance for the standard
    # seed 000's whole text for each rating: rating key -> paragraphs
    characteristics_text: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def items(self) -> tuple[Item, ...]:
        """Every answerable item in form order: each key question followed by its prompts,
        then the standard's own prompts."""
        out: list[Item] = []
        for kq in self.key_questions:
            out.append(kq)
            out.extend(kq.prompts)
        out.extend(self.prompts)
        return tuple(out)

    def judgement_items(self) -> tuple[Item, ...]:
        """What 001 says to weigh for the standard's initial judgement: "the balance of 'yes'
        and 'no' judgements for each key question within this section" -- the key questions
        where there are any (standards 1 and 3), otherwise the prompts (standards 2 and 4)."""
        return tuple(self.key_questions) if self.key_questions else self.prompts

    def characteristic(self, rating: Rating) -> str:
        return self.characteristics.get(rating.key, "")


@dataclass(frozen=True)
class Framework:
    key: str  # file stem, what a QA pins: "v1"
    version: str  # the document's version: "2021-03"
    title: str
    source: Mapping[str, str]
    answer_labels: Mapping[str, str]
    sections: tuple[Section, ...]
    standards: tuple[Standard, ...]
    rating_scale: tuple[Rating, ...]
    overall_banding: tuple[tuple[int, int, Rating], ...]
    share_bands: tuple[tuple[int, ShareBand], ...]
    rating_characteristics: Mapping[str, Any]
    # how a 'not applicable' answer counts: {"rule", "counts", "annual_summary"} (plain words)
    not_applicable: Mapping[str, str] = field(default_factory=dict)
    schema: int = 1  # the file's "schema": 1 (v1.json, as first recorded) or 2 (the stricter rules)
    summary_required: bool = True
    feedback_required: bool = True
    path: Path | None = None
    _index: Mapping[str, Item] = field(default_factory=dict, repr=False, compare=False)

    # --- look-ups ---------------------------------------------------------------------------

    def all_items(self) -> tuple[Item, ...]:
        """Every item in form order: information section, chronology, then standards 1-4."""
        return tuple(self._index.values())

    def answerable_items(self) -> tuple[Item, ...]:
        """The yes/no questions (key questions, prompts, yes/no information questions)."""
        return tuple(i for i in self._index.values() if i.is_yes_no)

    def standard_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.standards)

    def item(self, item_id: str) -> Item:
        try:
            return self._index[item_id]
        except KeyError:
            raise KeyError(f"no item {item_id!r} in QA framework {self.key}") from None

    def has_item(self, item_id: str) -> bool:
        return item_id in self._index

    def standard(self, standard_id: str) -> Standard:
        for s in self.standards:
            if s.id == standard_id:
                return s
        raise KeyError(f"no standard {standard_id!r} in QA framework {self.key}")

    def section(self, section_id: str) -> Section:
        for s in self.sections:
            if s.id == section_id:
                return s
        raise KeyError(f"no section {section_id!r} in QA framework {self.key}")

    def key_questions(self) -> tuple[KeyQuestion, ...]:
        return tuple(kq for s in self.standards for kq in s.key_questions)

    @property
    def max_score(self) -> int:
        return MAX_SCORE_PER_STANDARD * len(self.standards)

    def __iter__(self) -> Iterator[Item]:
        return iter(self._index.values())

