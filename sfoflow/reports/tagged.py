"""Tagged PDF (PDF 1.7 section 14.8) for the reports made with fpdf2: a structure tree that a
screen reader follows (headings, paragraphs, lists, tables with their header cells, figures with
alternate text), page furniture marked as artifacts so it is not read out on every page, and the
document's title, language and organisation in the catalog and the metadata.

fpdf2 only tags images and links, each as a child of /Document, and raises if a marked sequence
runs over a page break; so this module keeps fpdf2's own objects (StructElem, the parent tree,
PDFArray) and adds what the reports need:

* nested elements: ``structure("Table")`` groups, ``tagged("P")`` holds drawn content;
* a marked-content sequence per page: when a paragraph or a table runs onto a new page, the
  sequence is closed before the footer and a new one (a new MCID, counted from 0 on each page)
  is opened on the next page for the same element; no BDC is ever left open at a page's end;
* tables: every row a TR, cells TH (with /Scope) or TD; heading rows repeated on a new page are
  artifacts (the reader hears the heading once).
"""
from __future__ import annotations

from contextlib import contextmanager, nullcontext
from types import MethodType

from fpdf import FPDF, ViewerPreferences
from fpdf.structure_tree import StructElem, StructureTreeBuilder
from fpdf.syntax import create_dictionary_string
from fpdf.table import Table

ORGANISATION = "HM Inspectorate of Probation"
LANGUAGE = "en-GB"


class Element(StructElem):
    """A structure element anywhere in the tree. /A carries a table cell's /Scope."""

    __slots__ = ("a",)

    def __init__(self, tag: str, parent: StructElem, alt: str | None = None, scope: str | None = None):
        super().__init__(struct_type=f"/{tag}", parent=parent, kids=[], alt=alt)
        self.a = None if scope is None else create_dictionary_string({"/O": "/Table", "/Scope": f"/{scope}"},
                                                                      field_join=" ")

    def page_number(self) -> int | None:
        # fpdf2 gives each child of /Document a /Pg from this; a grouping element has no content
        # of its own, so it takes its first child's page.
        if self._page_number is None:
            return next((n for kid in self.k if isinstance(kid, StructElem) and (n := kid.page_number())), None)
        return self._page_number


class ContentRef:
    """A marked-content reference (section 14.7.4.2): an MCID on a page other than the element's /Pg."""

    def __init__(self, page, mcid: int):
        self.page, self.mcid = page, mcid

    def serialize(self, _security_handler=None, _obj_id=None) -> str:
        return create_dictionary_string({"/Type": "/MCR", "/Pg": self.page.ref, "/MCID": self.mcid}, field_join=" ")


class NestedTree(StructureTreeBuilder):
    """fpdf2's builder, with an open-element stack. The parent tree keeps fpdf2's shape: per page
    (its /StructParents) a list indexed by MCID of the element that owns each sequence."""

    def __init__(self, pages: dict) -> None:
        super().__init__()
        self.pages = pages  # FPDF.pages: page number -> the page object (for /Pg)
        self.open = [self.doc_struct_elem]

    def begin(self, tag: str, **kw) -> Element:
        elem = Element(tag, self.open[-1], **kw)
        self.open[-1].k.append(elem)
        self.open.append(elem)
        return elem

    def end(self) -> None:
        elem = self.open.pop()
        if not elem.k:  # nothing was drawn in it (an empty paragraph): not worth a reader's stop
            elem.p.k.remove(elem)

    def _owners(self, page_number: int) -> list:
        spid = self.spid_per_page_number.setdefault(page_number, len(self.spid_per_page_number))
        return self.struct_tree_root.parent_tree.nums[spid]

    def mark(self, elem: StructElem, page_number: int) -> tuple[int, int]:
        """The next MCID on the page, now owned by ``elem``: (the page's StructParents, MCID)."""
        page = self.pages[page_number]
        owners = self._owners(page_number)
        mcid = len(owners)
        owners.append(elem)
        if elem._page_number is None:
            elem._page_number, elem.pg = page_number, page
        elem.k.append(mcid if page_number == elem._page_number else ContentRef(page, mcid))
        return self.spid_per_page_number[page_number], mcid

    def unmark(self, elem: StructElem, page_number: int) -> None:
        """Take back the last MCID of the page (its sequence drew nothing)."""
        owners = self._owners(page_number)
        owners.pop()
        elem.k.pop()
        if all(isinstance(kid, StructElem) for kid in elem.k):  # none of its content is left
            elem._page_number, elem.pg = None, None
        if not owners:  # always the newest page, so its number can be given again
            del self.struct_tree_root.parent_tree.nums[self.spid_per_page_number.pop(page_number)]

    def add_marked_content(self, page_number, struct_type, mcid=None, title=None, alt_text=None):
        # fpdf2 tags a link that has alt text through this, with no MCID: a child of the open
        # element, kept out of the page's list of MCID owners (fpdf2 would append it there).
        elem = Element(struct_type.lstrip("/"), self.open[-1], alt=alt_text)
        elem._page_number = page_number
        self.open[-1].k.append(elem)
        self._owners(page_number)
        return elem, self.spid_per_page_number[page_number]

    def __iter__(self):
        """Every object to write: fpdf2's iterates the children of /Document only."""
        yield self.struct_tree_root
        yield self.doc_struct_elem
        yield self.struct_tree_root.parent_tree

        def walk(elem):
            for kid in elem.k:
                if isinstance(kid, StructElem):
                    yield kid
                    yield from walk(kid)
        yield from walk(self.doc_struct_elem)


class TaggedTable(Table):
    """fpdf2's table with each row a TR and each cell TH or TD: the heading rows' cells are TH
    /Scope /Column; with ``row_headers``, so is the first cell of every other row (/Scope /Row)."""

    def __init__(self, fpdf: TaggedPDF, *args, row_headers: bool = False, **kwargs):
        super().__init__(fpdf, *args, **kwargs)
        self._row_headers = row_headers
        self._drawn = set()

    def _render_table_row(self, i, *args, **kwargs):
        if i in self._drawn:  # a heading row repeated at the top of a new page
            with self._fpdf.artifact("Pagination"):
                return super()._render_table_row(i, *args, **kwargs)
        self._drawn.add(i)
        with self._fpdf.structure("TR"):
            return super()._render_table_row(i, *args, **kwargs)

    def _render_table_cell(self, i, j, cell, row_height, cell_height_info=None, *args, **kwargs):
        # without cell_height_info fpdf2 only measures the cell; inside an artifact it is a repeat
        if cell_height_info is None or self._fpdf.in_artifact:
            return super()._render_table_cell(i, j, cell, row_height, cell_height_info, *args, **kwargs)
        if i < self._num_heading_rows:
            tag, scope = "TH", "Column"
        elif self._row_headers and j == 0:
            tag, scope = "TH", "Row"
        else:
            tag, scope = "TD", None
        with self._fpdf.tagged(tag, scope=scope):
            return super()._render_table_cell(i, j, cell, row_height, cell_height_info, *args, **kwargs)


class TaggedPDF(FPDF):
    """FPDF whose content goes in a structure tree. Draw inside ``tagged(tag)`` (content) or
    ``artifact()`` (decoration); group with ``structure(tag)``. Subclasses draw page furniture
    in ``page_header``/``page_footer``, which are artifacts."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.struct_builder = NestedTree(self.pages)
        # the sequence open on the current page: (element or None for an artifact, its BDC
        # properties, where its BDC starts in the page's content, where the drawing after it starts)
        self._sequence: tuple | None = None

    def describe(self, title: str, subject: str | None = None, author: str = ORGANISATION) -> None:
        """Title, author (the organisation), language; the title, not the file name, shown by the reader."""
        self.set_title(title)
        self.set_author(author)
        self.set_creator("sfoflow")
        if subject:
            self.set_subject(subject)
        self.set_lang(LANGUAGE)
        self.viewer_preferences = ViewerPreferences(display_doc_title=True)

    @property
    def in_artifact(self) -> bool:
        return self._sequence is not None and self._sequence[0] is None

    @contextmanager
    def structure(self, tag: str):
        """A grouping element (Table, TR, L, LI, Sect): its content is its children's."""
        self._no_sequence_open(tag)
        self.struct_builder.begin(tag)
        try:
            yield
        finally:
            self.struct_builder.end()

    @contextmanager
    def tagged(self, tag: str, alt: str | None = None, scope: str | None = None):
        """An element whose drawing is its content (H1, P, LBody, TH, TD, Caption, Figure)."""
        self._no_sequence_open(tag)
        elem = self.struct_builder.begin(tag, alt=alt, scope=scope)
        self._begin(elem)
        try:
            yield elem
        finally:
            self._end()
            self.struct_builder.end()

    @contextmanager
    def artifact(self, kind: str = "Pagination", subtype: str | None = None):
        """Drawing that is not content (page numbers, repeated headings): a reader skips it."""
        self._no_sequence_open("Artifact")
        props = {"/Type": f"/{kind}"} | ({"/Subtype": f"/{subtype}"} if subtype else {})
        self._begin(None, create_dictionary_string(props, field_join=" "))
        try:
            yield
        finally:
            self._end()

    @contextmanager
    def table(self, *args, row_headers: bool = False, **kwargs):
        """fpdf2's table() as a Table element; inside an open ``structure("Table")`` (one that
        holds a caption drawn first) it joins that element."""
        opened = self.struct_builder.open[-1].s == "/Table"
        with nullcontext() if opened else self.structure("Table"):
            table = TaggedTable(self, *args, row_headers=row_headers, **kwargs)
            yield table
            table.render()

    def header(self) -> None:
        with self.artifact("Pagination", "Header"):
            self.page_header()

    def footer(self) -> None:
        with self.artifact("Pagination", "Footer"):
            self.page_footer()

    def page_header(self) -> None:
        """Drawn at the top of every page (an artifact)."""

    def page_footer(self) -> None:
        """Drawn at the foot of every page (an artifact)."""

    def add_page(self, *args, **kwargs) -> None:
        # A page break inside tagged content: end its sequence on this page (before the footer)
        # and begin a new one, with the next page's MCID, for the same element after the header.
        # A dry run (fpdf2 swaps _out for a no-op to measure) draws nothing: leave the tags alone.
        carried = self._sequence if isinstance(self._out, MethodType) else None
        if carried:
            self._end()
        super().add_page(*args, **kwargs)
        if carried:
            self._begin(*carried[:2])

    @contextmanager
    def _marked_sequence(self, **kwargs):
        # fpdf2 tags an image that has alt text through this (always /Figure, and a page break
        # inside raises): here it is a Figure where it is drawn, with the page's next MCID.
        with self.tagged("Figure", alt=kwargs.get("alt_text")) as elem:
            yield elem

    def _no_sequence_open(self, tag: str) -> None:
        if self._sequence is not None:  # marked-content sequences with MCIDs must not nest
            raise ValueError(f"{tag} cannot start inside another tagged or artifact block")

    def _begin(self, elem: StructElem | None, props: str = "") -> None:
        page = self.pages[self.page]
        start = len(page.contents)
        if elem is None:
            self._out(f"/Artifact {props} BDC")
        else:
            page.struct_parents, mcid = self.struct_builder.mark(elem, self.page)
            self._out(f"{elem.s} <</MCID {mcid}>> BDC")
        self._sequence = (elem, props, start, len(page.contents))

    def _end(self) -> None:
        elem, _, start, drawn_from = self._sequence
        self._sequence = None
        page = self.pages[self.page]
        if len(page.contents) > drawn_from:
            self._out("EMC")
            return
        # Nothing drawn (the content went straight to the next page): take the sequence back
        # rather than leave an empty one, and its MCID, at the foot of this page.
        del page.contents[start:]
        if elem is not None:
            self.struct_builder.unmark(elem, self.page)
            if self.page not in self.struct_builder.spid_per_page_number:
                page.struct_parents = None
