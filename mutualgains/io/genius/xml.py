"""The safe XML layer of the GENIUS reader: bounded reads, DOCTYPE/ENTITY refused before
parsing, expat into a small element tree that remembers lines (at most
:data:`~mutualgains.limits.MAX_XML_ELEMENTS` elements nested at most
:data:`~mutualgains.limits.MAX_XML_DEPTH` deep), and attribute values checked with the
place they come from.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "x.xml"
>>> doc = parse(path, b'<utility_space><weight index="1" value="0.5"/></utility_space>')
>>> node = doc.root.kids("weight")[0]
>>> float_attribute(doc, node, "value", []), doc.at(node)
(0.5, '...x.xml:1 <weight index="1" value="0.5">')
>>> root_tag(b"<?xml version='1.0'?><negotiation_template/>")
'negotiation_template'
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from mutualgains.errors import CaseError, Problem
from mutualgains.limits import MAX_FILE_BYTES, MAX_XML_DEPTH, MAX_XML_ELEMENTS, refusal
from mutualgains.util import show

__all__ = ["MAX_BYTES", "Document", "Node", "attribute", "float_attribute", "integer_attribute",
           "parse", "read_bytes", "root_tag", "unsafe_declaration", "xml_files"]

MAX_BYTES = MAX_FILE_BYTES
"""Larger ``.xml`` files are refused (GENIUS files are a few kilobytes):
:data:`mutualgains.limits.MAX_FILE_BYTES`."""

_UNSAFE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_PROLOG = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)",
                     re.DOTALL | re.IGNORECASE)
_ROOT = re.compile(r"\s*<([A-Za-z_][\w.\-]*)")
_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


@dataclass(eq=False, repr=False, slots=True)
class Node:
    """An XML element: tag, attributes, children and the line it starts on.

    Examples
    --------
    >>> root = Node("objective", {"index": "0"}, 1, [Node("issue", {"index": "1"}, 2)])
    >>> [n.tag for n in root.iter("issue")], root.kids("weight")
    (['issue'], [])
    """

    tag: str
    attrib: dict[str, str]
    line: int
    children: list[Node] = field(default_factory=list)

    def kids(self, tag: str) -> list[Node]:
        """Direct children called ``tag``."""
        return [c for c in self.children if c.tag == tag]

    def iter(self, tag: str) -> Iterator[Node]:
        """This element and its descendants called ``tag``, in document order."""
        stack = [self]
        while stack:  # no recursion: depth is bounded by the parser, but need not be trusted
            node = stack.pop()
            if node.tag == tag:
                yield node
            stack.extend(reversed(node.children))

    def __repr__(self) -> str:
        return f"<Node {self.tag} line {self.line}: {len(self.children)} children>"


@dataclass
class Document:
    """A parsed file: its path (as shown in messages) and root element.

    Examples
    --------
    >>> doc = Document("ann.xml", Node("utility_space", {}, 1, [Node("weight", {"index": "2"}, 4)]))
    >>> doc.at(doc.root.children[0])
    'ann.xml:4 <weight index="2">'
    """

    path: str
    root: Node

    def at(self, node: Node) -> str:
        """``path:line <tag index="..">``: where a problem is."""
        shown = [f'{key}="{node.attrib[key]}"' for key in ("index", "value")
                 if key in node.attrib and not (key == "index" and node.tag == "item")]
        return f"{self.path}:{node.line} <{' '.join([node.tag, *shown])}>"


class _Refused(Exception):
    """A DOCTYPE or ENTITY declaration met while parsing."""


class _TooLarge(Exception):
    """An element beyond the depth or count limits."""


def xml_files(folder: Path) -> list[Path]:
    """The ``.xml`` files directly in ``folder``, sorted by name.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("b.xml", "a.XML", "notes.txt"):
    ...     _ = (folder / name).write_text("<x/>")
    >>> [p.name for p in xml_files(folder)]
    ['a.XML', 'b.xml']
    """
    return sorted((p for p in folder.iterdir() if p.suffix.lower() == ".xml" and p.is_file()),
                  key=lambda p: p.name)


def read_bytes(path: Path, problems: list[Problem]) -> bytes | None:
    """The bytes of ``path``, or None with a problem when it is not a regular file, too large
    (:data:`MAX_BYTES`) or unreadable.

    Examples
    --------
    >>> import pathlib
    >>> problems = []
    >>> read_bytes(pathlib.Path("/no/such/file.xml"), problems), problems[0].rule
    (None, 'no such file or folder')
    """
    from mutualgains.io.files import read_regular_file

    try:
        return read_regular_file(path)
    except CaseError as err:
        problems.extend(err.problems)
        return None


def unsafe_declaration(path: Path, raw: bytes) -> Problem | None:
    """A problem when ``raw`` holds a DOCTYPE or ENTITY declaration (any of UTF-8/16/32).

    Examples
    --------
    >>> import pathlib
    >>> raw = b'<?xml version="1.0"?>' + bytes([10]) + b'<!DOCTYPE x [<!ENTITY a "b">]>'
    >>> unsafe_declaration(pathlib.Path("d.xml"), raw).where
    'd.xml:2'
    >>> unsafe_declaration(pathlib.Path("d.xml"), b'<negotiation_template/>') is None
    True
    """
    text = raw.replace(b"\x00", b"")
    match = _UNSAFE.search(text)
    if match is None:
        return None
    line = text.count(b"\n", 0, match.start()) + 1
    return Problem(f"{path}:{line}", "must not contain a DOCTYPE or ENTITY declaration "
                   "(refused before parsing; nothing was expanded)",
                   match.group(0).decode("ascii", "replace"))


def root_tag(raw: bytes) -> str | None:
    """The tag of the first element, found by reading past the prolog; None if there is none.

    Examples
    --------
    >>> root_tag(b'<?xml version="1.0"?><!-- a comment --><utility_space/>'), root_tag(b'no xml')
    ('utility_space', None)
    """
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"\xff\xfe",
                b"\xfe\xff"):
        if raw.startswith(bom):
            raw = raw[len(bom):]
            break
    text = raw.replace(b"\x00", b"").decode("latin-1")
    pos = 0
    while True:
        match = _PROLOG.match(text, pos)
        if not match or match.end() == pos:
            break
        pos = match.end()
    match = _ROOT.match(text, pos)
    return match.group(1) if match else None


def parse(path: Path, raw: bytes) -> Document:
    """Parse ``raw`` with expat, refusing DTDs; a CaseError naming file and line if malformed.

    Examples
    --------
    >>> import pathlib
    >>> raw = b'<utility_space>' + bytes([10]) + b'<weight index="1"/></utility_space>'
    >>> parse(pathlib.Path("p.xml"), raw).root.kids("weight")[0].line
    2
    >>> parse(pathlib.Path("p.xml"), b'<utility_space>')
    Traceback (most recent call last):
    ...
    mutualgains.errors.CaseError: 1 problem in the case:
      p.xml:1: is not well-formed XML (got no element found at line 1, column 15)
    """
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[Node] = []
    top: list[Node] = []

    def refuse(*_args: object) -> None:
        raise _Refused

    count = 0

    def start(tag: str, attrib: dict[str, str]) -> None:
        nonlocal count
        count += 1
        if len(stack) >= MAX_XML_DEPTH or count > MAX_XML_ELEMENTS:
            raise _TooLarge
        node = Node(tag, attrib, parser.CurrentLineNumber)
        (stack[-1].children if stack else top).append(node)
        stack.append(node)

    def end(_tag: str) -> None:
        stack.pop()

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(raw, True)
    except _Refused:
        raise CaseError([Problem(f"{path}:{parser.CurrentLineNumber}",
                                 "must not contain a DOCTYPE or ENTITY declaration "
                                 "(refused; nothing was expanded)")]) from None
    except _TooLarge:
        rule = (f"must nest elements {refusal('MAX_XML_DEPTH', 'levels')} deep"
                if count <= MAX_XML_ELEMENTS else
                f"must hold {refusal('MAX_XML_ELEMENTS', 'elements')}")
        raise CaseError([Problem(f"{path}:{parser.CurrentLineNumber}", rule, "more")]) from None
    except expat.ExpatError as err:
        raise CaseError([Problem(f"{path}:{err.lineno}", "is not well-formed XML",
                                 f"{expat.ErrorString(err.code)} at line {err.lineno}, "
                                 f"column {err.offset}")]) from None
    return Document(str(path), top[0])


def attribute(doc: Document, node: Node, name: str, problems: list[Problem]) -> str | None:
    """The attribute ``name`` of ``node``, or None with a problem naming the element.

    Examples
    --------
    >>> doc = Document("p.xml", Node("weight", {"index": "1"}, 3))
    >>> problems = []
    >>> attribute(doc, doc.root, "index", problems), attribute(doc, doc.root, "value", problems)
    ('1', None)
    >>> print(problems[0])
    p.xml:3 <weight index="1">: must have a 'value' attribute (got none)
    """
    value = node.attrib.get(name)
    if value is None:
        problems.append(Problem(doc.at(node), f"must have a {name!r} attribute", "none"))
    return value


def integer_attribute(doc: Document, node: Node, name: str, problems: list[Problem]) -> int | None:
    """The attribute ``name`` as an integer, or None with a problem.

    Examples
    --------
    >>> doc = Document("p.xml", Node("issue", {"index": "x1"}, 3))
    >>> problems = []
    >>> integer_attribute(doc, doc.root, "index", problems), problems[0].rule
    (None, 'index must be an integer')
    """
    text = attribute(doc, node, name, problems)
    if text is None:
        return None
    if not _INT.fullmatch(text.strip()):
        problems.append(Problem(doc.at(node), f"{name} must be an integer", show(text)))
        return None
    return int(text)


def float_attribute(doc: Document, node: Node, name: str, problems: list[Problem]) -> float | None:
    """The attribute ``name`` as a finite float, or None with a problem.

    Examples
    --------
    >>> doc = Document("p.xml", Node("weight", {"value": "nan"}, 3))
    >>> problems = []
    >>> float_attribute(doc, doc.root, "value", problems), problems[0].rule
    (None, 'value must be a finite number')
    """
    text = attribute(doc, node, name, problems)
    if text is None:
        return None
    if not _FLOAT.fullmatch(text.strip()) or not math.isfinite(float(text)):
        problems.append(Problem(doc.at(node), f"{name} must be a finite number", show(text)))
        return None
    return float(text)


