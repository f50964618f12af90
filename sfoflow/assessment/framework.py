"""The QA framework as versioned data: ``config/qa_framework/vN.json``.

A framework version is immutable once QAs have been recorded against it: a QA pins the version
it was started with (``Framework.key``, e.g. "v1"), and a change of wording or structure is a new
file (v2.json), never an edit of v1.json.

Item ids are stable strings: "info.high_profile", "chron.a", "1.1" (key question),
"1.1.a" (its prompt), "2.a" (prompt of a standard without key questions), "3.2.f".
"""
from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..config_dir import CONFIG_DIR
from .ratings import MAX_SCORE_PER_STANDARD, Rating, ShareBand

__all__ = [
    "DEFAULT_CONFIG_DIR",
    "FRAMEWORK_SUBDIR",
    "YES_NO",
    "TEXT",
    "ANSWER_TYPES",
    "FrameworkError",
    "UnknownFrameworkVersion",
    "Condition",
    "Item",
    "KeyQuestion",
    "Section",
    "Standard",
    "Framework",
    "available_versions",
    "load_framework",
    "parse_framework",
]

DEFAULT_CONFIG_DIR = CONFIG_DIR
FRAMEWORK_SUBDIR = "qa_framework"

YES_NO = "yes_no"
TEXT = "text"
ANSWER_TYPES = (YES_NO, TEXT)

KIND_QUESTION = "question"  # information section / chronology item
KIND_KEY_QUESTION = "key_question"
KIND_PROMPT = "prompt"

_VERSION_FILE = re.compile(r"^v(\d+)\.json$")


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


# --- loading --------------------------------------------------------------------------------


def _framework_dir(config_dir: str | os.PathLike | None) -> Path:
    base = Path(config_dir) if config_dir is not None else DEFAULT_CONFIG_DIR
    return base / FRAMEWORK_SUBDIR


def available_versions(config_dir: str | os.PathLike | None = None) -> list[str]:
    """Framework keys found in ``config/qa_framework``, oldest first: ['v1', 'v2', ...]."""
    d = _framework_dir(config_dir)
    if not d.is_dir():
        return []
    found = []
    for p in d.iterdir():
        m = _VERSION_FILE.match(p.name)
        if m and p.is_file():
            found.append((int(m.group(1)), p.stem))
    return [stem for _, stem in sorted(found)]


def load_framework(version: str | None = None,
                   config_dir: str | os.PathLike | None = None) -> Framework:
    """Load and validate a framework. ``version`` is the key ('v1'; '1' also works) or the
    document version string ('2021-03'); None means the latest key. Results are cached per file
    (and reloaded if the file changes)."""
    versions = available_versions(config_dir)
    d = _framework_dir(config_dir)
    if not versions:
        raise UnknownFrameworkVersion(f"no QA framework files (vN.json) in {d}")
    if version is None:
        key = versions[-1]
    else:
        v = str(version).strip()
        if v in versions:
            key = v
        elif f"v{v}" in versions:
            key = f"v{v}"
        else:
            key = next((k for k in versions if _cached_load(d / f"{k}.json").version == v), "")
            if not key:
                raise UnknownFrameworkVersion(
                    f"no QA framework version {version!r} in {d} (available: {', '.join(versions)})"
                )
    return _cached_load(d / f"{key}.json")


def _cached_load(path: Path) -> Framework:
    st = path.stat()
    return _load_file(str(path.resolve()), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=32)
def _load_file(path: str, _mtime_ns: int, _size: int) -> Framework:
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise FrameworkError(f"{p}: not valid JSON ({exc})") from None
    return parse_framework(data, key=p.stem, path=p)


def parse_framework(data: Any, key: str = "custom", path: Path | None = None) -> Framework:
    """Validate the parsed JSON and build the Framework. Raises FrameworkError listing every
    problem found (duplicate ids, missing wording, bad answer types, broken banding...)."""
    return _Parser(key, path).parse(data)


class _Parser:
    def __init__(self, key: str, path: Path | None):
        self.key = key
        self.path = path
        self.problems: list[str] = []
        self.index: dict[str, Item] = {}

    def problem(self, msg: str) -> None:
        self.problems.append(msg)

    # helpers
    def _str(self, obj: Mapping, name: str, where: str, *, required: bool = True) -> str:
        v = obj.get(name)
        if v is None and not required:
            return ""
        if not isinstance(v, str) or not v.strip():
            self.problem(f"{where}: missing or blank {name!r}")
            return ""
        return v

    def _bool(self, obj: Mapping, name: str, where: str, default: bool | None = None) -> bool:
        v = obj.get(name, default)
        if not isinstance(v, bool):
            self.problem(f"{where}: {name!r} must be true or false")
            return bool(v)
        return v

    def _list(self, obj: Mapping, name: str, where: str) -> list:
        v = obj.get(name, [])
        if not isinstance(v, list):
            self.problem(f"{where}: {name!r} must be a list")
            return []
        return v

    def _register(self, item: Item) -> None:
        if not item.id:
            return
        if item.id in self.index:
            self.problem(f"duplicate item id {item.id!r}")
        else:
            self.index[item.id] = item

    def item(self, raw: Any, *, kind: str, where: str, section_id: str | None = None,
             standard_id: str | None = None, parent_id: str | None = None,
             expected_prefix: str | None = None) -> Item | None:
        if not isinstance(raw, Mapping):
            self.problem(f"{where}: an item must be an object")
            return None
        item_id = raw.get("id")
        if not isinstance(item_id, str) or not item_id.strip():
            self.problem(f"{where}: item without an 'id'")
            item_id = ""
        where = f"{where} item {item_id!r}" if item_id else where
        text = self._str(raw, "text", where)
        answer_type = raw.get("answer_type")
        if answer_type not in ANSWER_TYPES:
            self.problem(f"{where}: answer_type must be one of {', '.join(ANSWER_TYPES)}, "
                         f"not {answer_type!r}")
        required = self._bool(raw, "required", where)
        allows_na = self._bool(raw, "allows_na", where, default=False)
        na_basis = raw.get("na_basis")
        if allows_na and not (isinstance(na_basis, str) and na_basis.strip()):
            self.problem(f"{where}: allows_na needs an 'na_basis' saying why (from the guidance)")
        if allows_na and answer_type != YES_NO:
            self.problem(f"{where}: only yes/no items can allow 'not applicable'")
        number = raw.get("number")
        if number is not None and not isinstance(number, str):
            self.problem(f"{where}: 'number' must be a string or null")
        if expected_prefix is not None and item_id:
            if not number:
                self.problem(f"{where}: a numbered item needs a 'number'")
            elif kind == KIND_KEY_QUESTION:
                # key questions carry their full number: id "1.1", number "1.1"
                if item_id != number or not number.startswith(f"{expected_prefix}."):
                    self.problem(f"{where}: a key question's id and number should both be "
                                 f"{expected_prefix}.<n>, not id {item_id!r} number {number!r}")
            elif item_id != f"{expected_prefix}.{number}":
                self.problem(f"{where}: id should be {expected_prefix}.{number!s}")
        cond = None
        rif = raw.get("required_if")
        if rif is not None:
            if (not isinstance(rif, Mapping) or not isinstance(rif.get("item"), str)
                    or not isinstance(rif.get("equals"), str)):
                self.problem(f"{where}: required_if must be {{'item': id, 'equals': answer}}")
            else:
                cond = Condition(rif["item"], rif["equals"])
        common = dict(
            id=item_id, text=text, kind=kind, answer_type=answer_type or "", required=required,
            allows_na=allows_na, guidance=raw.get("guidance") or "", number=number,
            parent_id=parent_id, standard_id=standard_id, section_id=section_id,
            na_basis=na_basis if isinstance(na_basis, str) else None, required_if=cond,
            verbatim=raw.get("verbatim", True) is not False,
        )
        if kind == KIND_KEY_QUESTION:
            prompts = tuple(
                p for p in (
                    self.item(r, kind=KIND_PROMPT, where=f"key question {item_id}",
                              standard_id=standard_id, parent_id=item_id,
                              expected_prefix=item_id)
                    for r in self._list(raw, "prompts", where)
                ) if p is not None
            )
            if not prompts:
                self.problem(f"{where}: a key question needs prompts")
            kq = KeyQuestion(label=raw.get("label") or "", prompts=prompts, **common)
            return kq
        return Item(**common)

    def parse(self, data: Any) -> Framework:
        if not isinstance(data, Mapping):
            raise FrameworkError(f"QA framework {self.key}: the file must hold a JSON object")
        where = "framework"
        version = self._str(data, "version", where)
        title = self._str(data, "title", where)
        source = data.get("source")
        if not source or not isinstance(source, (str, Mapping)):
            self.problem("framework: missing 'source'")
            source = {}
        if isinstance(source, str):
            source = {"form": source}

        answer_labels = data.get("answer_values") or {"yes": "Yes", "no": "No", "na": "Not applicable"}
        if set(answer_labels) != {"yes", "no", "na"}:
            self.problem("framework: answer_values must have exactly yes, no, na")

        rating_scale = self._rating_scale(data.get("rating_scale"))

        sections: list[Section] = []
        section_ids: set[str] = set()
        for raw in self._list(data, "sections", where):
            if not isinstance(raw, Mapping):
                self.problem("sections: each section must be an object")
                continue
            sid = self._str(raw, "id", "section")
            if sid in section_ids:
                self.problem(f"duplicate section id {sid!r}")
            section_ids.add(sid)
            sw = f"section {sid!r}"
            items = []
            for r in self._list(raw, "items", sw):
                numbered = isinstance(r, Mapping) and r.get("number") and sid == "chron"
                it = self.item(r, kind=KIND_QUESTION, where=sw, section_id=sid,
                               expected_prefix=sid if numbered else None)
                if it is not None:
                    items.append(it)
                    self._register(it)
            if not items:
                self.problem(f"{sw}: no items")
            sections.append(Section(sid, self._str(raw, "title", sw), raw.get("statement"),
                                    raw.get("guidance") or "", tuple(items)))

        standards: list[Standard] = []
        std_ids: set[str] = set()
        for raw in self._list(data, "standards", where):
            if not isinstance(raw, Mapping):
                self.problem("standards: each standard must be an object")
                continue
            sid = self._str(raw, "id", "standard")
            if sid in std_ids:
                self.problem(f"duplicate standard id {sid!r}")
            std_ids.add(sid)
            sw = f"standard {sid!r}"
            kqs: list[KeyQuestion] = []
            for r in self._list(raw, "key_questions", sw):
                kq = self.item(r, kind=KIND_KEY_QUESTION, where=sw, standard_id=sid,
                               expected_prefix=sid)
                if kq is not None:
                    self._register(kq)
                    for p in kq.prompts:  # type: ignore[attr-defined]
                        self._register(p)
                    kqs.append(kq)  # type: ignore[arg-type]
            prompts: list[Item] = []
            for r in self._list(raw, "prompts", sw):
                p = self.item(r, kind=KIND_PROMPT, where=sw, standard_id=sid,
                              expected_prefix=sid)
                if p is not None:
                    self._register(p)
                    prompts.append(p)
            if not kqs and not prompts:
                self.problem(f"{sw}: needs key questions or prompts")
            chars = raw.get("characteristics") or {}
            if not isinstance(chars, Mapping):
                self.problem(f"{sw}: characteristics must be an object")
                chars = {}
            for k in chars:
                if k != "heading" and k not in {r.key for r in Rating}:
                    self.problem(f"{sw}: characteristics key {k!r} is not a rating key")
            standards.append(Standard(
                id=sid, number=raw.get("number") or sid, title=self._str(raw, "title", sw),
                statement=self._str(raw, "statement", sw), guidance=raw.get("guidance") or "",
                key_questions=tuple(kqs), prompts=tuple(prompts),
                characteristics=MappingProxyType(dict(chars)),
            ))
        if not standards:
            self.problem("framework: no standards")

        # conditions must point at real yes/no items
        for it in self.index.values():
            if it.required_if is not None:
                target = self.index.get(it.required_if.item)
                if target is None:
                    self.problem(f"item {it.id!r}: required_if refers to unknown item "
                                 f"{it.required_if.item!r}")
                elif it.required_if.equals not in ("yes", "no", "na"):
                    self.problem(f"item {it.id!r}: required_if.equals must be yes, no or na")

        banding = self._banding(data.get("overall_banding"), len(standards))
        share_bands = self._share_bands(data.get("share_bands"))
        submission = data.get("submission") or {}

        if self.problems:
            raise FrameworkError(
                f"QA framework {self.key}" + (f" ({self.path})" if self.path else "") + " is invalid",
                self.problems,
            )
        return Framework(
            key=self.key, version=version, title=title,
            source=MappingProxyType(dict(source)),
            answer_labels=MappingProxyType(dict(answer_labels)),
            sections=tuple(sections), standards=tuple(standards),
            rating_scale=rating_scale, overall_banding=banding, share_bands=share_bands,
            rating_characteristics=MappingProxyType(dict(data.get("rating_characteristics") or {})),
            summary_required=bool(submission.get("summary_required", True)),
            feedback_required=bool(submission.get("feedback_required_per_standard", True)),
            path=self.path, _index=MappingProxyType(dict(self.index)),
        )

    def _rating_scale(self, raw: Any) -> tuple[Rating, ...]:
        if raw is None:
            return tuple(Rating)
        out = []
        if not isinstance(raw, list):
            self.problem("rating_scale must be a list")
            return tuple(Rating)
        for r in raw:
            try:
                rating = Rating.parse(r.get("key", ""))
            except (ValueError, AttributeError):
                self.problem(f"rating_scale: unknown rating {r!r}")
                continue
            if r.get("score") != rating.score or r.get("label") != rating.label:
                self.problem(f"rating_scale: {r!r} disagrees with the code "
                             f"({rating.key}: {rating.label!r} = {rating.score})")
            out.append(rating)
        if sorted(out) != sorted(Rating):
            self.problem("rating_scale must list each of the four ratings once")
        return tuple(out)

    def _banding(self, raw: Any, n_standards: int) -> tuple[tuple[int, int, Rating], ...]:
        if not isinstance(raw, list) or not raw:
            self.problem("overall_banding must be a non-empty list")
            return ()
        bands = []
        for b in raw:
            try:
                low, high, rating = int(b["min"]), int(b["max"]), Rating.parse(b["rating"])
            except (KeyError, TypeError, ValueError):
                self.problem(f"overall_banding: bad band {b!r}")
                continue
            bands.append((low, high, rating))
        bands.sort(key=lambda b: b[0])
        expected_next = 0
        for low, high, _ in bands:
            if low != expected_next or high < low:
                self.problem(f"overall_banding: bands must cover 0..{n_standards * 3} without gaps "
                             f"or overlaps (problem at {low}-{high})")
                break
            expected_next = high + 1
        else:
            if expected_next - 1 != MAX_SCORE_PER_STANDARD * n_standards:
                self.problem(f"overall_banding: bands end at {expected_next - 1}, expected "
                             f"{MAX_SCORE_PER_STANDARD * n_standards}")
        return tuple(bands)

    def _share_bands(self, raw: Any) -> tuple[tuple[int, ShareBand], ...]:
        if raw is None:
            from .ratings import SHARE_BANDS
            return SHARE_BANDS
        out = []
        if not isinstance(raw, list):
            self.problem("share_bands must be a list")
            return ()
        for b in raw:
            try:
                band = ShareBand(b["name"])
                pct = b["min_percent"]
                rating = Rating.parse(b["rating"])
            except (KeyError, TypeError, ValueError):
                self.problem(f"share_bands: bad band {b!r}")
                continue
            if not isinstance(pct, int) or not 0 <= pct <= 100:
                self.problem(f"share_bands: min_percent must be 0-100 in {b!r}")
                continue
            if rating is not band.rating:
                self.problem(f"share_bands: {band.value!r} maps to {band.rating.label} in the "
                             f"code, not {rating.label}")
            out.append((pct, band))
        out.sort(key=lambda b: b[0], reverse=True)
        if out and out[-1][0] != 0:
            self.problem("share_bands: the lowest band must start at 0%")
        return tuple(out)
