"""Validating a parsed framework file and building the Framework from it.

Every problem is collected (duplicate ids, missing wording, bad answer types, broken banding...)
so that one FrameworkError lists them all, rather than stopping at the first.

A file's ``"schema"`` says which rules it is held to. Schema 1 (v1.json, which QAs are pinned
to) is checked exactly as when it was recorded. Schema 2 (v2.json on) adds the rules of issue 12
"faithful to the guidance": every ``na_basis`` quotes the prompt's own conditional words, the
file states how 'not applicable' counts (``not_applicable``), and it carries seed 000's whole
text (``rating_characteristics.text`` and ``outstanding_condition``, and each standard's
``characteristics_text`` for all four ratings). A file without "schema" is schema 1.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .framework_model import (
    ANSWER_TYPES,
    KIND_KEY_QUESTION,
    KIND_PROMPT,
    KIND_QUESTION,
    YES_NO,
    Condition,
    Framework,
    FrameworkError,
    Item,
    KeyQuestion,
    Section,
    Standard,
)
from .ratings import MAX_SCORE_PER_STANDARD, Rating, ShareBand

SCHEMAS = (1, 2)  # the schemas this code understands; see the module docstring
NOT_APPLICABLE_KEYS = ("rule", "counts", "annual_summary")  # schema 2: how 'not applicable' counts


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
        self.schema = 1

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
        if self.schema >= 2 and allows_na and isinstance(na_basis, str) and isinstance(text, str):
            # 'not applicable' only where the prompt's own words make it conditional: the basis
            # quotes those words ('where they existed', 'where relevant', ...) from the text
            quoted = re.findall(r"'([^']+)'", na_basis)
            if not any(q.lower() in text.lower() for q in quoted):
                self.problem(f"{where}: na_basis must quote the words of the prompt that make it "
                             "conditional (e.g. 'where relevant')")
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
            guidance_full=self._paragraphs(raw, "guidance_full", where),
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
        schema = data.get("schema", 1)
        if isinstance(schema, bool) or schema not in SCHEMAS:
            self.problem(f"framework: 'schema' must be one of {', '.join(map(str, SCHEMAS))}, not {schema!r}")
        else:
            self.schema = schema
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
            full = raw.get("characteristics_text") or {}
            if not isinstance(full, Mapping) or any(k not in {r.key for r in Rating} for k in full):
                self.problem(f"{sw}: characteristics_text must map rating keys to lists of paragraphs")
                full = {}
            elif self.schema >= 2 and set(full) != {r.key for r in Rating}:
                self.problem(f"{sw}: characteristics_text needs the whole text for each of the four ratings")
            standards.append(Standard(
                id=sid, number=raw.get("number") or sid, title=self._str(raw, "title", sw),
                statement=self._str(raw, "statement", sw), guidance=raw.get("guidance") or "",
                key_questions=tuple(kqs), prompts=tuple(prompts),
                characteristics=MappingProxyType(dict(chars)),
                guidance_full=self._paragraphs(raw, "guidance_full", sw),
                characteristics_text=MappingProxyType(
                    {k: self._paragraphs(full, k, f"{sw} characteristics_text") for k in full}),
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

        if self.schema >= 2:
            self._schema_2_text(data)
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
            not_applicable=MappingProxyType(dict(data.get("not_applicable") or {})),
            schema=self.schema,
            summary_required=bool(submission.get("summary_required", True)),
            feedback_required=bool(submission.get("feedback_required_per_standard", True)),
            path=self.path, _index=MappingProxyType(dict(self.index)),
        )

    def _schema_2_text(self, data: Mapping) -> None:
        """Schema 2: the file says how 'not applicable' counts and holds seed 000's whole text."""
        na = data.get("not_applicable")
        if not isinstance(na, Mapping) or not all(isinstance(na.get(k), str) and na[k].strip()
                                                  for k in NOT_APPLICABLE_KEYS):
            self.problem("framework: 'not_applicable' must state the " + ", ".join(NOT_APPLICABLE_KEYS)
                         + " of a 'not applicable' answer")
        general = data.get("rating_characteristics")
        if not isinstance(general, Mapping):
            self.problem("framework: 'rating_characteristics' must be an object")
            return
        if not self._paragraphs(general, "text", "rating_characteristics"):
            self.problem("rating_characteristics: 'text' must hold the general text, paragraph by paragraph")
        self._str(general, "outstanding_condition", "rating_characteristics")

    def _paragraphs(self, raw: Mapping, key: str, where: str) -> tuple[str, ...]:
        """A list of paragraphs of guidance text (a list item is a paragraph starting "- ")."""
        value = raw.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(p, str) and p.strip() for p in value):
            self.problem(f"{where}: {key} must be a list of paragraphs (non-empty strings)")
            return ()
        return tuple(value)

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
