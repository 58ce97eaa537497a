"""The print master's structure (its tags: headings, paragraphs, notes, links, in reading
order), joined from the pieces Typst tagged one by one (`pdf_pieces.join`): each piece's
elements go under the front matter's one Document element, the keys that tie a page's marked
content and its annotations to their elements are moved past the pieces before, and an
element's ID that an earlier piece already used is made the piece's own."""

from __future__ import annotations

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)


def _leaves(node, key: str) -> list:
    """The flat [key, value, key, value …] of a number tree (/Nums) or name tree (/Names)."""
    if node is None:
        return []
    node = node.get_object()
    found = list(node.get(key) or [])
    for kid in node.get("/Kids") or []:
        found += _leaves(kid, key)
    return found


class Tags:
    """The joined structure tree, built on the front matter's (already in `writer`)."""

    def __init__(self, writer: PdfWriter) -> None:
        self.writer = writer
        self.root = writer._root_object["/StructTreeRoot"].get_object()
        kids = self.root["/K"]
        kids = kids.get_object() if hasattr(kids, "get_object") else kids
        first = kids[0] if isinstance(kids, list) else kids
        self.document = first.get_object()
        if not isinstance(self.document.get("/K"), list):
            self.document[NameObject("/K")] = ArrayObject([self.document["/K"]])
        self.nums = ArrayObject(_leaves(self.root["/ParentTree"], "/Nums"))
        self.next = int(self.root["/ParentTreeNextKey"])
        pairs = _leaves(self.root.get("/IDTree"), "/Names")
        self.ids = dict(zip(pairs[::2], pairs[1::2], strict=True))

    def add(self, reader: PdfReader, pages: list, number: int) -> None:
        """The structure of a piece whose `pages` (in the writer) were just added from
        `reader`."""
        tree = reader.trailer["/Root"]["/StructTreeRoot"].get_object().clone(self.writer)
        shift = self.next
        for page in pages:
            if "/StructParents" in page:
                page[NameObject("/StructParents")] = NumberObject(page["/StructParents"] + shift)
            for annotation in page.get("/Annots") or []:
                annotation = annotation.get_object()
                if "/StructParent" in annotation:
                    key = annotation["/StructParent"] + shift
                    annotation[NameObject("/StructParent")] = NumberObject(key)
        nums = _leaves(tree["/ParentTree"], "/Nums")
        for key, value in zip(nums[::2], nums[1::2], strict=True):
            self.nums += [NumberObject(key + shift), value]
        self.next += int(tree["/ParentTreeNextKey"])
        kids = tree["/K"]
        kids = kids.get_object() if hasattr(kids, "get_object") else kids
        document = (kids[0] if isinstance(kids, list) else kids).get_object()
        inner = document.get("/K")
        inner = inner if isinstance(inner, list) else [inner]
        for kid in inner:
            element = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(element, DictionaryObject) and "/S" in element:
                element[NameObject("/P")] = self.document.indirect_reference
            self.document["/K"].append(kid)
        pairs = _leaves(tree.get("/IDTree"), "/Names")
        for name, element in zip(pairs[::2], pairs[1::2], strict=True):
            if name in self.ids:
                name = TextStringObject(f"{name} ({number})")
                element.get_object()[NameObject("/ID")] = name
            self.ids[name] = element
        roles = tree.get("/RoleMap")
        if roles is not None:
            mine = self.root.setdefault(NameObject("/RoleMap"), DictionaryObject())
            for role, standard in roles.get_object().items():
                mine.get_object().setdefault(role, standard)

    def finish(self) -> None:
        """Write the joined number tree and IDs into the structure tree's root."""
        parent_tree = DictionaryObject({NameObject("/Nums"): self.nums})
        self.root[NameObject("/ParentTree")] = self.writer._add_object(parent_tree)
        self.root[NameObject("/ParentTreeNextKey")] = NumberObject(self.next)
        if self.ids:
            names = ArrayObject()
            for name in sorted(self.ids, key=str):
                names += [TextStringObject(name), self.ids[name]]
            self.root[NameObject("/IDTree")] = DictionaryObject({NameObject("/Names"): names})
