"""Reading a tagged PDF back with pypdf, independently of how sfoflow wrote it: the structure
tree (each element's type, attributes and the marked content it owns), and each page's content
stream split into its marked-content sequences (tag, MCID, text drawn, what was painted).

Only what sfoflow's reports need is understood (a flat /Nums parent tree, Tj/TJ text).
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import pypdf
from pypdf.generic import ContentStream, DictionaryObject, IndirectObject

TEXT_OPS = {b"Tj", b"TJ", b"'", b'"'}
PAINT_OPS = TEXT_OPS | {b"Do", b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"sh", b"BI"}


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Sequence:
    """A marked-content sequence on one page (BDC ... EMC)."""
    page: int
    tag: str
    mcid: int | None
    properties: dict
    text: list[str] = field(default_factory=list)  # one string per text operator
    painted: set[bytes] = field(default_factory=set)

    @property
    def artifact(self) -> bool:
        return self.tag == "/Artifact"


@dataclass
class Element:
    tag: str                               # "H1", "TD", ...
    ref: int | None                        # object number
    attributes: dict
    alt: str | None
    kids: list[Element] = field(default_factory=list)
    marks: list[tuple[int, int]] = field(default_factory=list)  # (page index, MCID), in order

    def shape(self):
        """The element types: a leaf's tag, or (tag, [kids' shapes])."""
        return (self.tag, [k.shape() for k in self.kids]) if self.kids else self.tag

    def walk(self):
        yield self
        for kid in self.kids:
            yield from kid.walk()

    def find(self, tag: str) -> list[Element]:
        return [e for e in self.walk() if e.tag == tag]


class TaggedPDF:
    def __init__(self, data: bytes):
        self.reader = pypdf.PdfReader(io.BytesIO(data))
        self.catalog = self.reader.trailer["/Root"]
        self.page_index = {page.indirect_reference.idnum: i for i, page in enumerate(self.reader.pages)}
        tree = self.catalog["/StructTreeRoot"]
        kids = tree["/K"] if isinstance(tree["/K"], list) else [tree["/K"]]
        assert len(kids) == 1, "one root element"
        self.document = self._element(kids[0], None)
        nums = tree["/ParentTree"]["/Nums"]
        # StructParents -> [object number of the element owning MCID 0, 1, ...]
        self.parent_tree = {nums[i]: [ref.idnum for ref in nums[i + 1]] for i in range(0, len(nums), 2)}
        self.sequences = [self._sequences(i, page) for i, page in enumerate(self.reader.pages)]

    def _element(self, ref, page: int | None) -> Element:
        obj = ref.get_object()
        if "/Pg" in obj:
            page = self.page_index[obj.raw_get("/Pg").idnum]
        attributes = {k: str(v) for k, v in obj.get("/A", {}).items()}
        elem = Element(tag=str(obj["/S"]).lstrip("/"), ref=ref.idnum if isinstance(ref, IndirectObject) else None,
                       attributes=attributes, alt=obj.get("/Alt"))
        k = obj.get("/K", [])
        for kid in k if isinstance(k, list) else [k]:
            target = kid.get_object() if isinstance(kid, IndirectObject) else kid
            if isinstance(target, int):
                assert page is not None, f"{elem.tag}: an MCID with no page"
                elem.marks.append((page, int(target)))
            elif isinstance(target, DictionaryObject) and target.get("/Type") == "/MCR":
                elem.marks.append((self.page_index[target.raw_get("/Pg").idnum], int(target["/MCID"])))
            else:
                elem.kids.append(self._element(kid, page))
        return elem

    def _sequences(self, index: int, page) -> list[Sequence]:
        """The page's sequences; asserts BDC/EMC balance and that nothing is painted outside one."""
        out, depth, current = [], 0, None
        for operands, op in ContentStream(page.get_contents(), self.reader).operations:
            if op in (b"BDC", b"BMC"):
                depth += 1
                assert depth == 1, f"page {index + 1}: a sequence inside another"
                props = dict(operands[1]) if op == b"BDC" else {}
                mcid = props.get("/MCID")
                current = Sequence(index, str(operands[0]), None if mcid is None else int(mcid), props)
                out.append(current)
            elif op == b"EMC":
                depth -= 1
                assert depth == 0, f"page {index + 1}: EMC without BDC"
                current = None
            elif op in PAINT_OPS:
                assert current is not None, f"page {index + 1}: {op!r} {operands} painted outside any sequence"
                current.painted.add(op)
                if op in TEXT_OPS:
                    strings = operands[-1] if op != b"TJ" else [s for s in operands[0] if isinstance(s, str)]
                    current.text.append("".join(strings) if op == b"TJ" else str(strings))
        assert depth == 0, f"page {index + 1}: a sequence left open at the end of the page"
        return out

    def text(self, elem: Element) -> str:
        """The text drawn in the element's own marked content and its descendants', in order."""
        by_mark = {(s.page, s.mcid): s for page in self.sequences for s in page if s.mcid is not None}
        return squash(" ".join(" ".join(by_mark[m].text) for e in elem.walk() for m in e.marks))

    def texts(self, tag: str) -> list[str]:
        return [self.text(e) for e in self.document.find(tag)]

    def artifacts(self, page: int) -> list[str]:
        return [squash(" ".join(s.text)) for s in self.sequences[page] if s.artifact]
