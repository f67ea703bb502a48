"""GENIUS / ANAC negotiation domains (XML), read as cases.

A GENIUS domain folder holds one *domain file* (root tag
``<negotiation_template>``: the issues and their values) and one *utility
profile* per party (root tag ``<utility_space>``). Files are recognised by
their root tag, not by their name; ``.xml`` files with any other root (such as
the ``pareto.xml`` frontier some folders carry, which is not XML at all) are
skipped. Each profile becomes a party named after the file stem.

Issues and options
    Issues are taken from the domain file in the order of their ``index``
    attribute. A discrete issue's options are its items' ``value`` strings; an
    integer issue ``lowerbound..upperbound`` has the options ``"lb"``, ...,
    ``"ub"``.

Linear additive profiles (``AdditiveUtilitySpace`` in GENIUS)
    The utility of a package is ``sum_i w_i * v_i(o_i)`` where

    * the weights ``w_i`` of the ``<weight index=..>`` elements are normalised
      to sum to 1 (a weight whose index is an objective, not an issue, is
      ignored, as GENIUS ignores objective evaluators);
    * a discrete value's utility is its ``evaluation`` divided by the largest
      evaluation of that issue in that profile (``EvaluatorDiscrete.normalize``;
      when that largest evaluation is below 1e-5 every value scores 0, as in
      GENIUS). When a profile lists the same value twice the later one wins, as
      GENIUS stores evaluations in a hash map (``Genius-AMPOvsCity`` does this);
    * an integer issue with ``<evaluator ftype="linear" slope=.. offset=..>``
      has the value utility ``clip(offset + slope * (x - lowerbound), 0, 1)``.
      This is GENIUS' ``EvaluatorInteger.getEvaluation(int)``: it calls
      ``EVALFUNCTYPE.evalLinear(value - lowerBound, slope, offset)``, which is
      ``slope * x + offset``, and clamps the result below at 0 and above at 1
      (``genius.core.utility.EvaluatorInteger`` and
      ``genius.core.utility.EVALFUNCTYPE`` in GENIUS 10.x; the older
      ``negotiator.utility`` classes are the same). The files agree: their
      slopes run the issue from ``offset`` at the lower bound to the other
      end of [0, 1] at the upper bound.

    The score of a party for option ``o`` of issue ``i`` is
    ``w_i * v_i(o)``; no utility exceeds 1.

Nonlinear profiles (``<utility_space type="nonlinear">``, ANAC 2014 and ``S-1*``)
    The utility is ``min(1, sum of the utility of every satisfied
    <hyperRectangle> / maxutility)`` (GENIUS ``NonlinearUtilitySpace``). A
    rectangle of ``INCLUDES`` bounds is satisfied when every listed issue
    value lies in its ``[min, max]``; it becomes a
    :class:`~mutualgains.model.relations.Synergy` whose condition lists the
    options in range, issues whose range covers all their options being left
    out (a rectangle with no issue left, or with no bound at all, is a
    constant, added to the party's scores on the first issue). A rectangle of
    ``EXCLUDES`` bounds is satisfied when at least one listed value lies
    outside its range: it equals its constant utility minus the ``INCLUDES``
    rectangle of the same ranges, and is compiled that way (a constant plus a
    synergy with a negative bonus). Rectangles with identical conditions, in
    one profile or in several, share one synergy with a bonus per party.
    Nonlinear parties get ``Party(cap=1)``. Bound ``index`` attributes refer to
    the issues' ``index`` attributes; a range reaching past an issue's bounds
    is cut to them, and two bounds on one issue must both hold. A rectangle's
    optional ``weight`` multiplies its utility, as in GENIUS.

Reservation values and discounting
    ``<reservation value=..>`` (on the normalised [0, 1] scale) becomes the
    party's BATNA; without it the BATNA is 0. ``<discount_factor>`` is time
    discounting for bilateral protocols and is ignored: a package is valued as
    if agreed at once.

Departure from GENIUS: GENIUS 10.x does not normalise weights read from a
file (``AdditiveUtilitySpace.loadTreeRecursive`` keeps them as written and
``getUtility`` caps the sum at 1). This reader normalises them, as the
shared data's SOURCES.md prescribes, so every linear profile's best package
has utility exactly 1. The two agree wherever the weights sum to 1, which is
all but a handful of the ANAC profiles.

Safety: every ``.xml`` file in the folder is refused (:class:`CaseError`
naming the file) when it contains a ``DOCTYPE`` or ``ENTITY`` declaration,
before anything is parsed, so entity-expansion ("billion laughs") and external
entity attacks never reach the parser; the parser (the standard library's
expat) refuses such declarations again should one slip past the scan.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "lunch"
>>> folder.mkdir()
>>> _ = (folder / "lunch-domain.xml").write_text('''<negotiation_template>
... <utility_space><objective index="0" name="lunch">
...   <issue index="1" name="food" type="discrete">
...     <item index="1" value="soup"/><item index="2" value="salad"/></issue>
...   <issue index="2" name="minutes" type="integer" lowerbound="1" upperbound="3"/>
... </objective></utility_space></negotiation_template>''')
>>> _ = (folder / "ann.xml").write_text('''<utility_space><objective index="0">
...   <issue index="1" name="food" type="discrete">
...     <item value="soup" evaluation="4"/><item value="salad" evaluation="2"/></issue>
...   <issue index="2" name="minutes" type="integer" lowerbound="1" upperbound="3">
...     <evaluator ftype="linear" slope="-0.5" offset="1"/></issue>
...   <weight index="1" value="3"/><weight index="2" value="1"/>
... </objective><reservation value="0.5"/></utility_space>''')
>>> _ = (folder / "bob.xml").write_text('''<utility_space type="nonlinear">
... <objective index="0"><utility maxutility="10"><ufun aggregation="sum">
...   <hyperRectangle utility="6"><INCLUDES index="2" min="3" max="3"/></hyperRectangle>
...   <hyperRectangle utility="8"><INCLUDES index="2" min="2" max="3"/></hyperRectangle>
... </ufun></utility></objective></utility_space>''')
>>> is_genius(folder)
True
>>> case = read_genius(folder)
>>> case
<Case 'lunch': 2 parties, 2 issues, 6 packages, unanimity>
>>> case.issue("minutes").options
('1', '2', '3')
>>> case.party("ann").batna, case.party("bob").cap
(0.5, 1)
>>> case.utilities({"food": "soup", "minutes": "1"})
{'ann': 1.0, 'bob': 0.0}
>>> case.utilities({"food": "salad", "minutes": "3"})  # bob: min(1, 14 / 10)
{'ann': 0.375, 'bob': 1}
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from mutualgains.errors import CaseError, Problem
from mutualgains.model import Case, Issue, Party
from mutualgains.model.relations import Synergy
from mutualgains.util import show

__all__ = ["DOMAIN_ROOT", "PROFILE_ROOT", "SOURCE", "is_genius", "read_genius"]

SOURCE = "GENIUS negotiation environment (TU Delft) / ANAC domain XML"
"""Where GENIUS domains come from, as named in case descriptions."""

DOMAIN_ROOT = "negotiation_template"
"""Root tag of a GENIUS domain file."""

PROFILE_ROOT = "utility_space"
"""Root tag of a GENIUS utility profile."""

MAX_BYTES = 64 * 1024 * 1024
"""Larger ``.xml`` files are refused (GENIUS files are a few kilobytes)."""

MAX_VALUES = 100_000
"""Largest number of values an integer issue may have."""

EVALUATION_FLOOR = 1e-5
"""GENIUS scores every value of a discrete issue 0 when its largest evaluation is below this."""

_UNSAFE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_PROLOG = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)",
                     re.DOTALL | re.IGNORECASE)
_ROOT = re.compile(r"\s*<([A-Za-z_][\w.\-]*)")
_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


# ------------------------------------------------------------------ XML layer


@dataclass
class _Node:
    """An XML element: tag, attributes, children and the line it starts on."""

    tag: str
    attrib: dict[str, str]
    line: int
    children: list[_Node] = field(default_factory=list)

    def kids(self, tag: str) -> list[_Node]:
        """Direct children called ``tag``."""
        return [c for c in self.children if c.tag == tag]

    def iter(self, tag: str) -> Iterator[_Node]:
        """This element and its descendants called ``tag``, in document order."""
        if self.tag == tag:
            yield self
        for child in self.children:
            yield from child.iter(tag)


@dataclass
class _Doc:
    """A parsed file: its path (as shown in messages) and root element."""

    path: str
    root: _Node

    def at(self, node: _Node) -> str:
        """``path:line <tag index="..">``: where a problem is."""
        shown = [f'{key}="{node.attrib[key]}"' for key in ("index", "value")
                 if key in node.attrib and not (key == "index" and node.tag == "item")]
        return f"{self.path}:{node.line} <{' '.join([node.tag, *shown])}>"


class _Refused(Exception):
    """A DOCTYPE or ENTITY declaration met while parsing."""


def _xml_files(folder: Path) -> list[Path]:
    """The ``.xml`` files directly in ``folder``, sorted by name."""
    return sorted((p for p in folder.iterdir() if p.suffix.lower() == ".xml" and p.is_file()),
                  key=lambda p: p.name)


def _read(path: Path, problems: list[Problem]) -> bytes | None:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            problems.append(Problem(str(path), f"is too large for a GENIUS file "
                                    f"(at most {MAX_BYTES} bytes)", f"{size} bytes"))
            return None
        return path.read_bytes()
    except OSError as err:
        problems.append(Problem(str(path), "cannot be read", str(err)))
        return None


def _unsafe(path: Path, raw: bytes) -> Problem | None:
    """A problem when ``raw`` holds a DOCTYPE or ENTITY declaration (any of UTF-8/16/32)."""
    text = raw.replace(b"\x00", b"")
    match = _UNSAFE.search(text)
    if match is None:
        return None
    line = text.count(b"\n", 0, match.start()) + 1
    return Problem(f"{path}:{line}", "must not contain a DOCTYPE or ENTITY declaration "
                   "(refused before parsing; nothing was expanded)",
                   match.group(0).decode("ascii", "replace"))


def _root_tag(raw: bytes) -> str | None:
    """The tag of the first element, found by reading past the prolog; None if there is none."""
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


def _parse(path: Path, raw: bytes) -> _Doc:
    """Parse ``raw`` with expat, refusing DTDs; a CaseError naming file and line if malformed."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[_Node] = []
    top: list[_Node] = []

    def refuse(*_args) -> None:
        raise _Refused

    def start(tag: str, attrib: dict[str, str]) -> None:
        node = _Node(tag, attrib, parser.CurrentLineNumber)
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
    except expat.ExpatError as err:
        raise CaseError([Problem(f"{path}:{err.lineno}", "is not well-formed XML",
                                 f"{expat.ErrorString(err.code)} at line {err.lineno}, "
                                 f"column {err.offset}")]) from None
    return _Doc(str(path), top[0])


# ------------------------------------------------------------- attribute values


def _attr(doc: _Doc, node: _Node, name: str, problems: list[Problem]) -> str | None:
    value = node.attrib.get(name)
    if value is None:
        problems.append(Problem(doc.at(node), f"must have a {name!r} attribute", "none"))
    return value


def _int(doc: _Doc, node: _Node, name: str, problems: list[Problem]) -> int | None:
    text = _attr(doc, node, name, problems)
    if text is None:
        return None
    if not _INT.fullmatch(text.strip()):
        problems.append(Problem(doc.at(node), f"{name} must be an integer", show(text)))
        return None
    return int(text)


def _float(doc: _Doc, node: _Node, name: str, problems: list[Problem]) -> float | None:
    text = _attr(doc, node, name, problems)
    if text is None:
        return None
    if not _FLOAT.fullmatch(text.strip()) or not math.isfinite(float(text)):
        problems.append(Problem(doc.at(node), f"{name} must be a finite number", show(text)))
        return None
    return float(text)


# ------------------------------------------------------------------- domain


@dataclass
class _Issue:
    """An issue of the domain file."""

    index: int
    name: str
    kind: str  # "discrete" or "integer"
    options: tuple[str, ...]
    lower: int = 0
    upper: int = -1


def _kind(node: _Node) -> str:
    """GENIUS' issue type: ``type``, else ``vtype``, else discrete (as GENIUS defaults)."""
    return (node.attrib.get("type") or node.attrib.get("vtype") or "discrete").strip().lower()


def _domain(doc: _Doc) -> list[_Issue]:
    problems: list[Problem] = []
    issues: dict[int, _Issue] = {}
    names: dict[str, _Node] = {}
    for node in doc.root.iter("issue"):
        index = _int(doc, node, "index", problems)
        name = _attr(doc, node, "name", problems)
        if index is None or name is None:
            continue
        if index in issues:
            problems.append(Problem(doc.at(node), "duplicate issue index", str(index)))
            continue
        if not name.strip():
            problems.append(Problem(doc.at(node), "issue name must be non-empty", show(name)))
            continue
        if name in names:
            problems.append(Problem(doc.at(node), f"duplicate issue name (also at line "
                                    f"{names[name].line})", show(name)))
            continue
        names[name] = node
        kind = _kind(node)
        if kind == "discrete":
            values: list[str] = []
            for item in node.kids("item"):
                value = _attr(doc, item, "value", problems)
                if value is None:
                    continue
                if not value.strip():
                    problems.append(Problem(doc.at(item), "value must be non-empty", show(value)))
                elif value in values:
                    problems.append(Problem(doc.at(item), "duplicate value of this issue",
                                            show(value)))
                else:
                    values.append(value)
            if not values:
                problems.append(Problem(doc.at(node), "a discrete issue needs at least one "
                                        "<item value=..>", "none"))
                continue
            issues[index] = _Issue(index, name, kind, tuple(values))
        elif kind == "integer":
            lower = _int(doc, node, "lowerbound", problems)
            upper = _int(doc, node, "upperbound", problems)
            if lower is None or upper is None:
                continue
            if not 0 <= upper - lower < MAX_VALUES:
                problems.append(Problem(doc.at(node), f"integer issue needs lowerbound <= "
                                        f"upperbound, with at most {MAX_VALUES} values",
                                        f"{lower}..{upper}"))
                continue
            options = tuple(str(v) for v in range(lower, upper + 1))
            issues[index] = _Issue(index, name, kind, options, lower, upper)
        else:
            problems.append(Problem(doc.at(node), "issue type must be discrete or integer "
                                    "(real issues are not supported)", show(kind)))
    if not issues and not problems:
        problems.append(Problem(doc.path, "the domain must define at least one <issue>", "none"))
    if problems:
        raise CaseError(problems)
    return [issues[k] for k in sorted(issues)]


# ------------------------------------------------------------------ profiles


@dataclass
class _Profile:
    """What one profile contributes: scores, rectangles, reservation value, cap."""

    scores: dict[str, list[float]]
    batna: float
    nonlinear: bool
    rectangles: list[tuple[tuple[tuple[int, int, int], ...], float]] = field(
        default_factory=list)  # (((issue position, lo, hi), ...), bonus)


def _reservation(doc: _Doc, problems: list[Problem]) -> float:
    nodes = list(doc.root.iter("reservation"))
    if len(nodes) > 1:
        problems.append(Problem(doc.at(nodes[1]), "at most one <reservation> per profile",
                                f"{len(nodes)}"))
    if not nodes:
        return 0.0
    value = _float(doc, nodes[0], "value", problems)
    return 0.0 if value is None else value


def _profile_issues(doc: _Doc, domain: list[_Issue], problems: list[Problem], *,
                    required: bool) -> dict[int, _Node]:
    """The profile's ``<issue>`` elements by index, checked against the domain."""
    by_index = {issue.index: issue for issue in domain}
    found: dict[int, _Node] = {}
    for node in doc.root.iter("issue"):
        index = _int(doc, node, "index", problems)
        if index is None:
            continue
        issue = by_index.get(index)
        if issue is None:
            problems.append(Problem(doc.at(node), "issue index not in the domain (domain "
                                    f"indices: {', '.join(map(str, by_index))})", str(index)))
            continue
        if index in found:
            problems.append(Problem(doc.at(node), "duplicate issue index", str(index)))
            continue
        found[index] = node
        name = node.attrib.get("name")
        if name is not None and name != issue.name:
            problems.append(Problem(doc.at(node), f"issue {index} must be named as in the "
                                    f"domain ({issue.name!r})", show(name)))
        if _kind(node) != issue.kind:
            problems.append(Problem(doc.at(node), f"issue {issue.name!r} must have the "
                                    f"domain's type ({issue.kind})", show(_kind(node))))
        elif issue.kind == "integer":
            bounds = (node.attrib.get("lowerbound"), node.attrib.get("upperbound"))
            if bounds != (None, None):
                lower = _int(doc, node, "lowerbound", problems)
                upper = _int(doc, node, "upperbound", problems)
                if (lower, upper) != (issue.lower, issue.upper) and None not in (lower, upper):
                    problems.append(Problem(doc.at(node), f"issue {issue.name!r} must have the "
                                            f"domain's bounds {issue.lower}..{issue.upper}",
                                            f"{lower}..{upper}"))
    if required:
        for issue in domain:
            if issue.index not in found:
                problems.append(Problem(doc.path, "must evaluate every issue of the domain",
                                        f"no <issue index=\"{issue.index}\"> ({issue.name})"))
    return found


def _discrete_values(doc: _Doc, node: _Node, issue: _Issue,
                     problems: list[Problem]) -> list[float] | None:
    """Value utilities: evaluation / largest evaluation (later duplicates win, as in GENIUS)."""
    evaluation: dict[str, float] = {}
    ok = True
    for item in node.kids("item"):
        value = _attr(doc, item, "value", problems)
        number = _float(doc, item, "evaluation", problems)
        if value is None or number is None:
            ok = False
            continue
        if value not in issue.options:
            problems.append(Problem(doc.at(item), f"value not in the domain's issue "
                                    f"{issue.name!r} (values: {', '.join(issue.options)})",
                                    show(value)))
            ok = False
        elif number < 0:
            problems.append(Problem(doc.at(item), "evaluation must be non-negative",
                                    show(item.attrib["evaluation"])))
            ok = False
        else:
            evaluation[value] = number
    missing = [o for o in issue.options if o not in evaluation]
    if ok and missing:
        problems.append(Problem(doc.at(node), f"must evaluate every value of issue "
                                f"{issue.name!r}", f"no evaluation for {', '.join(missing)}"))
    if not ok or missing:
        return None
    top = max(evaluation.values())
    if top < EVALUATION_FLOOR:
        return [0.0] * len(issue.options)
    return [evaluation[o] / top for o in issue.options]


def _integer_values(doc: _Doc, node: _Node, issue: _Issue,
                    problems: list[Problem]) -> list[float] | None:
    """Value utilities of GENIUS' EvaluatorInteger: clip(offset + slope * (x - lb), 0, 1)."""
    evaluators = node.kids("evaluator")
    if not evaluators:
        problems.append(Problem(doc.at(node), f"integer issue {issue.name!r} needs an "
                                "<evaluator ftype=\"linear\" slope=.. offset=..>", "none"))
        return None
    ev = evaluators[0]
    ftype = ev.attrib.get("ftype", "linear").strip().lower()
    if ftype != "linear":
        problems.append(Problem(doc.at(ev), "only linear evaluators are supported",
                                show(ev.attrib.get("ftype"))))
        return None
    slope = _float(doc, ev, "slope", problems)
    offset = _float(doc, ev, "offset", problems)
    if slope is None or offset is None:
        return None
    return [min(1.0, max(0.0, offset + slope * (x - issue.lower)))
            for x in range(issue.lower, issue.upper + 1)]


def _objective_indices(*docs: _Doc) -> set[int]:
    out: set[int] = set()
    for doc in docs:
        for node in doc.root.iter("objective"):
            text = node.attrib.get("index", "").strip()
            if _INT.fullmatch(text):
                out.add(int(text))
    return out


def _linear(doc: _Doc, domain_doc: _Doc, domain: list[_Issue],
            problems: list[Problem]) -> _Profile:
    before = len(problems)
    nodes = _profile_issues(doc, domain, problems, required=True)
    values: dict[int, list[float]] = {}
    for issue in domain:
        node = nodes.get(issue.index)
        if node is None or _kind(node) != issue.kind:
            continue
        found = (_discrete_values if issue.kind == "discrete" else _integer_values)(
            doc, node, issue, problems)
        if found is not None:
            values[issue.index] = found

    objectives = _objective_indices(doc, domain_doc)
    known = {issue.index for issue in domain}
    weights: dict[int, float] = {}
    for node in doc.root.iter("weight"):
        index = _int(doc, node, "index", problems)
        value = _float(doc, node, "value", problems)
        if index is None or value is None:
            continue
        if index not in known:
            if index not in objectives:
                problems.append(Problem(doc.at(node), "weight for an unknown issue index",
                                        str(index)))
            continue
        if value < 0:
            problems.append(Problem(doc.at(node), "weight must be non-negative", show(value)))
            continue
        weights[index] = value  # a repeated weight replaces the earlier one, as in GENIUS
    for issue in domain:
        if issue.index in nodes and issue.index not in weights:
            problems.append(Problem(doc.path, f"must give a <weight index=\"{issue.index}\"> "
                                    f"for issue {issue.name!r}", "none"))
    total = sum(weights.values())
    if len(problems) == before and total <= 0:
        problems.append(Problem(doc.path, "issue weights must have a positive sum",
                                show(total)))
    batna = _reservation(doc, problems)
    if len(problems) > before:
        return _Profile({}, batna, nonlinear=False)
    scores = {issue.name: [weights[issue.index] / total * v for v in values[issue.index]]
              for issue in domain}
    return _Profile(scores, batna, nonlinear=False)


def _nonlinear(doc: _Doc, domain: list[_Issue], problems: list[Problem]) -> _Profile:
    before = len(problems)
    _profile_issues(doc, domain, problems, required=False)
    batna = _reservation(doc, problems)
    utilities = list(doc.root.iter("utility"))
    if not utilities:
        problems.append(Problem(doc.path, "a nonlinear profile needs a <utility maxutility=..>",
                                "none"))
        return _Profile({}, batna, nonlinear=True)
    utility = utilities[0]
    top = _float(doc, utility, "maxutility", problems)
    if top is not None and top <= 0:
        problems.append(Problem(doc.at(utility), "maxutility must be positive", show(top)))
        top = None
    ufuns = utility.kids("ufun")
    if len(ufuns) != 1:
        problems.append(Problem(doc.at(utility), "must hold exactly one <ufun>",
                                str(len(ufuns))))
        return _Profile({}, batna, nonlinear=True)
    ufun = ufuns[0]
    aggregation = ufun.attrib.get("aggregation", "sum").strip().lower()
    if aggregation != "sum":
        problems.append(Problem(doc.at(ufun), "only aggregation=\"sum\" is supported",
                                show(aggregation)))
    if "weight" in ufun.attrib:
        weight = _float(doc, ufun, "weight", problems)
        if weight is not None and weight != 1:
            problems.append(Problem(doc.at(ufun), "only weight=\"1\" is supported",
                                    show(weight)))
    if ufun.kids("ufun"):
        problems.append(Problem(doc.at(ufun.kids("ufun")[0]), "nested <ufun> elements are "
                                "not supported"))

    position = {issue.index: k for k, issue in enumerate(domain)}
    constant = 0.0
    rectangles: list[tuple[tuple[tuple[int, int, int], ...], float]] = []
    for rect in ufun.kids("hyperRectangle"):
        value = _float(doc, rect, "utility", problems)
        weight = _float(doc, rect, "weight", problems) if "weight" in rect.attrib else 1.0
        includes, excludes = rect.kids("INCLUDES"), rect.kids("EXCLUDES")
        if includes and excludes:
            problems.append(Problem(doc.at(rect), "a hyperRectangle must use INCLUDES or "
                                    "EXCLUDES bounds, not both"))
            continue
        ranges: dict[int, tuple[int, int]] = {}  # issue position -> option positions lo..hi
        ok = True
        for bound in includes or excludes:
            index = _int(doc, bound, "index", problems)
            low = _int(doc, bound, "min", problems)
            high = _int(doc, bound, "max", problems)
            if index is None or low is None or high is None:
                ok = False
                continue
            k = position.get(index)
            if k is None:
                problems.append(Problem(doc.at(bound), "unknown issue index (domain indices: "
                                        f"{', '.join(str(i.index) for i in domain)})",
                                        str(index)))
                ok = False
                continue
            issue = domain[k]
            if issue.kind != "integer":
                problems.append(Problem(doc.at(bound), f"bounds need an integer issue; "
                                        f"{issue.name!r} is {issue.kind}", str(index)))
                ok = False
                continue
            lo, hi = max(low, issue.lower) - issue.lower, min(high, issue.upper) - issue.lower
            if k in ranges:  # two bounds on one issue: both must hold
                lo, hi = max(lo, ranges[k][0]), min(hi, ranges[k][1])
            ranges[k] = (lo, hi)
        if not ok or value is None or weight is None or top is None:
            continue
        bonus = value * weight / top
        sign = 1.0
        if excludes:  # satisfied unless every value is in range: constant minus INCLUDES
            constant += bonus
            sign = -1.0
        if any(lo > hi for lo, hi in ranges.values()):
            continue  # the INCLUDES part can never hold
        cond = tuple((k, lo, hi) for k, (lo, hi) in sorted(ranges.items())
                     if (lo, hi) != (0, len(domain[k].options) - 1))
        if cond:
            rectangles.append((cond, sign * bonus))
        else:
            constant += sign * bonus
    if len(problems) > before:
        return _Profile({}, batna, nonlinear=True)
    scores = {issue.name: [0.0] * len(issue.options) for issue in domain}
    if constant:
        first = domain[0].name
        scores[first] = [constant] * len(scores[first])
    return _Profile(scores, batna, nonlinear=True, rectangles=rectangles)


# ---------------------------------------------------------------- public API


def is_genius(folder: str | Path) -> bool:
    """Whether ``folder`` holds a GENIUS domain file (root tag ``negotiation_template``).

    Only the root tags of the ``.xml`` files are looked at (nothing is parsed);
    :func:`read_genius` validates the contents.

    Examples
    --------
    >>> import tempfile
    >>> is_genius(tempfile.mkdtemp())
    False
    """
    folder = Path(folder)
    if not folder.is_dir():
        return False
    try:
        for path in _xml_files(folder):
            with path.open("rb") as fh:
                if _root_tag(fh.read(65536)) == DOMAIN_ROOT:
                    return True
    except OSError:
        return False
    return False


def read_genius(folder: str | Path, *, parties: Iterable[str] | None = None) -> Case:
    """Read the GENIUS domain in ``folder`` as a :class:`~mutualgains.model.case.Case`.

    See the module documentation for how domain files and profiles are read
    (linear and nonlinear profiles, reservation values, what is ignored).

    Parameters
    ----------
    folder : str or Path
        The domain folder: one ``<negotiation_template>`` file and one
        ``<utility_space>`` profile per party. Its name becomes the case name.
    parties : iterable of str, optional
        Profiles to use, by file stem, in this order. Default: every profile,
        sorted by file name.

    Returns
    -------
    Case
        One party per profile, named by the file stem, with the profile's
        reservation value as BATNA; nonlinear parties have ``cap=1``.

    Raises
    ------
    CaseError
        With every problem found, each naming the file, the line and the
        element, e.g. ``profile-1.xml:23 <INCLUDES index="11">``: a missing or
        second domain file, no profile, a DOCTYPE or ENTITY declaration (refused
        before parsing), malformed XML, a profile whose issues or values do not
        match the domain, a non-numeric evaluation, weight or utility, an
        unknown issue index in a rectangle, ``maxutility <= 0``, an unknown
        name in ``parties``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "domain.xml").write_text(
    ...     '<negotiation_template><utility_space><objective index="0">'
    ...     '<issue index="1" name="price" type="integer" lowerbound="1" upperbound="4"/>'
    ...     '</objective></utility_space></negotiation_template>')
    >>> for name, slope, offset in [("buyer", "-0.5", "1.25"), ("seller", "0.25", "0.25")]:
    ...     _ = (folder / f"{name}.xml").write_text(
    ...         '<utility_space><objective index="0">'
    ...         '<issue index="1" name="price" type="integer" lowerbound="1" upperbound="4">'
    ...         f'<evaluator ftype="linear" slope="{slope}" offset="{offset}"/></issue>'
    ...         '<weight index="1" value="1"/></objective></utility_space>')
    >>> case = read_genius(folder, parties=["seller", "buyer"])
    >>> case.party_names
    ('seller', 'buyer')
    >>> [case.utilities([p]) for p in ("1", "2", "4")]  # buyer clipped to [0, 1]
    [{'seller': 0.25, 'buyer': 1.0}, {'seller': 0.5, 'buyer': 0.75}, {'seller': 1.0, 'buyer': 0.0}]
    >>> read_genius(folder, parties=["broker"])
    Traceback (most recent call last):
    ...
    mutualgains.errors.CaseError: 1 problem in the case:
      parties: unknown profile (profiles: buyer, seller) (got 'broker')
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise CaseError([Problem(str(folder), "no such folder")])
    problems: list[Problem] = []
    raws: dict[Path, bytes] = {}
    try:
        files = _xml_files(folder)
    except OSError as err:
        raise CaseError([Problem(str(folder), "cannot be listed", str(err))]) from None
    for path in files:
        raw = _read(path, problems)
        if raw is None:
            continue
        bad = _unsafe(path, raw)
        if bad is not None:
            problems.append(bad)
        else:
            raws[path] = raw
    if problems:
        raise CaseError(problems)

    roots = {path: _root_tag(raw) for path, raw in raws.items()}
    domains = [p for p, tag in roots.items() if tag == DOMAIN_ROOT]
    profiles = {p.stem: p for p, tag in roots.items() if tag == PROFILE_ROOT}
    skipped = [p.name for p, tag in roots.items() if tag not in (DOMAIN_ROOT, PROFILE_ROOT)]
    note = f" (skipped, other or no root: {', '.join(skipped)})" if skipped else ""
    if not domains:
        problems.append(Problem(str(folder), f"must hold a domain file (root tag "
                                f"<{DOMAIN_ROOT}>){note}",
                                ", ".join(p.name for p in files) or "no .xml files"))
    elif len(domains) > 1:
        problems.append(Problem(str(folder), f"must hold exactly one domain file (root tag "
                                f"<{DOMAIN_ROOT}>)", ", ".join(p.name for p in domains)))
    stems = [p.stem for p, tag in roots.items() if tag == PROFILE_ROOT]
    for dup in sorted({s for s in stems if stems.count(s) > 1}):
        problems.append(Problem(str(folder), "two profiles have the same name (file stem)",
                                dup))
    if not profiles:
        problems.append(Problem(str(folder), f"must hold at least one utility profile (root "
                                f"tag <{PROFILE_ROOT}>){note}", "none"))
    if parties is None:
        chosen = sorted(profiles, key=lambda s: profiles[s].name)
    elif isinstance(parties, str) or not isinstance(parties, Iterable):
        raise CaseError([Problem("parties", "must be a list of profile names (file stems)",
                                 show(parties))])
    else:
        chosen = []
        for name in parties:
            if name not in profiles:
                if profiles:
                    problems.append(Problem("parties", f"unknown profile (profiles: "
                                            f"{', '.join(sorted(profiles))})", show(name)))
            elif name in chosen:
                problems.append(Problem("parties", "profile named twice", show(name)))
            else:
                chosen.append(name)
        if not chosen and not problems:
            problems.append(Problem("parties", "must name at least one profile", "none"))
    if problems:
        raise CaseError(problems)

    domain_doc = _parse(domains[0], raws[domains[0]])
    domain = _domain(domain_doc)
    read: dict[str, _Profile] = {}
    for name in chosen:
        path = profiles[name]
        try:
            doc = _parse(path, raws[path])
        except CaseError as err:
            problems.extend(err.problems)
            continue
        nonlinear = doc.root.attrib.get("type", "").strip().lower() == "nonlinear"
        read[name] = (_nonlinear(doc, domain, problems) if nonlinear
                      else _linear(doc, domain_doc, domain, problems))
    if problems:
        raise CaseError(problems)
    return _build(folder, domain, read)


def _build(folder: Path, domain: list[_Issue], read: dict[str, _Profile]) -> Case:
    """The case: parties, issues, scores and the merged rectangle synergies."""
    merged: dict[tuple[tuple[int, int, int], ...], dict[str, float]] = {}
    for name, profile in read.items():
        for cond, bonus in profile.rectangles:
            per_party = merged.setdefault(cond, {})
            per_party[name] = per_party.get(name, 0.0) + bonus
    synergy = []
    for cond, bonus in merged.items():
        bonus = {p: b for p, b in bonus.items() if b != 0}
        if bonus:
            when = {domain[k].name: domain[k].options[lo:hi + 1] for k, lo, hi in cond}
            synergy.append(Synergy(when, bonus, name=f"hyperRectangle {len(synergy) + 1}"))
    label = folder.resolve().name or str(folder)
    return Case(
        [Party(name, batna=p.batna, cap=1 if p.nonlinear else None) for name, p in read.items()],
        [Issue(issue.name, issue.options) for issue in domain],
        {name: p.scores for name, p in read.items()},
        synergy=synergy,
        name=label,
        description=f"GENIUS negotiation domain {label!r} ({len(read)} utility profiles), "
                    f"read from the {SOURCE}.",
    )
