"""GENIUS domain files and utility profiles, read into plain issue and profile records
(linear additive and nonlinear hyper-rectangle profiles; see :mod:`mutualgains.io.genius`
for the semantics).

Examples
--------
>>> import pathlib
>>> from mutualgains.io.genius.xml import parse
>>> doc = parse(pathlib.Path("d.xml"), b'<negotiation_template><utility_space>'
...     b'<objective index="0"><issue index="1" name="price" type="integer" lowerbound="1" '
...     b'upperbound="3"/></objective></utility_space></negotiation_template>')
>>> [(i.name, i.options) for i in read_domain(doc)]
[('price', ('1', '2', '3'))]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mutualgains.errors import CaseError, Problem
from mutualgains.io.genius.xml import (
    Document,
    Node,
    attribute,
    float_attribute,
    integer_attribute,
)
from mutualgains.util import listing, show

__all__ = ["EVALUATION_FLOOR", "MAX_VALUES", "DomainIssue", "Profile", "read_domain",
           "read_linear", "read_nonlinear"]

MAX_VALUES = 100_000
"""Largest number of values an integer issue may have."""

EVALUATION_FLOOR = 1e-5
"""GENIUS scores every value of a discrete issue 0 when its largest evaluation is below this."""

_INDEX = re.compile(r"[+-]?\d+")


@dataclass
class DomainIssue:
    """An issue of the domain file.

    Examples
    --------
    >>> DomainIssue(1, "price", "integer", ("1", "2", "3"), lower=1, upper=3).options
    ('1', '2', '3')
    """

    index: int
    name: str
    kind: str  # "discrete" or "integer"
    options: tuple[str, ...]
    lower: int = 0
    upper: int = -1


def _kind(node: Node) -> str:
    """GENIUS' issue type: ``type``, else ``vtype``, else discrete (as GENIUS defaults)."""
    return (node.attrib.get("type") or node.attrib.get("vtype") or "discrete").strip().lower()


def read_domain(doc: Document) -> list[DomainIssue]:
    """The issues of a domain file, in index order (every problem at once, as a CaseError).

    Examples
    --------
    >>> import pathlib
    >>> from mutualgains.io.genius.xml import parse
    >>> doc = parse(pathlib.Path("d.xml"),
    ...     b'<negotiation_template><utility_space><objective index="0">'
    ...     b'<issue index="2" name="food" type="discrete"><item index="1" value="soup"/></issue>'
    ...     b'<issue index="1" name="minutes" type="integer" lowerbound="5" upperbound="6"/>'
    ...     b'</objective></utility_space></negotiation_template>')
    >>> [(i.name, i.options) for i in read_domain(doc)]
    [('minutes', ('5', '6')), ('food', ('soup',))]
    """
    problems: list[Problem] = []
    issues: dict[int, DomainIssue] = {}
    names: dict[str, Node] = {}
    for node in doc.root.iter("issue"):
        index = integer_attribute(doc, node, "index", problems)
        name = attribute(doc, node, "name", problems)
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
            values: dict[str, None] = {}  # in order, with constant-time membership
            for item in node.kids("item"):
                value = attribute(doc, item, "value", problems)
                if value is None:
                    continue
                if not value.strip():
                    problems.append(Problem(doc.at(item), "value must be non-empty", show(value)))
                elif value in values:
                    problems.append(Problem(doc.at(item), "duplicate value of this issue",
                                            show(value)))
                else:
                    values[value] = None
            if not values:
                problems.append(Problem(doc.at(node), "a discrete issue needs at least one "
                                        "<item value=..>", "none"))
                continue
            issues[index] = DomainIssue(index, name, kind, tuple(values))
        elif kind == "integer":
            lower = integer_attribute(doc, node, "lowerbound", problems)
            upper = integer_attribute(doc, node, "upperbound", problems)
            if lower is None or upper is None:
                continue
            if not 0 <= upper - lower < MAX_VALUES:
                problems.append(Problem(doc.at(node), f"integer issue needs lowerbound <= "
                                        f"upperbound, with at most {MAX_VALUES} values",
                                        f"{lower}..{upper}"))
                continue
            options = tuple(str(v) for v in range(lower, upper + 1))
            issues[index] = DomainIssue(index, name, kind, options, lower, upper)
        else:
            problems.append(Problem(doc.at(node), "issue type must be discrete or integer "
                                    "(real issues are not supported)", show(kind)))
    if not issues and not problems:
        problems.append(Problem(doc.path, "the domain must define at least one <issue>", "none"))
    if problems:
        raise CaseError(problems)
    return [issues[k] for k in sorted(issues)]


@dataclass
class Profile:
    """What one profile contributes: scores, rectangles, reservation value, cap.

    Examples
    --------
    >>> Profile({"price": [1.0, 0.5]}, batna=0.25, nonlinear=False).batna
    0.25
    """

    scores: dict[str, list[float]]
    batna: float
    nonlinear: bool
    rectangles: list[tuple[tuple[tuple[int, int, int], ...], float]] = field(
        default_factory=list)  # (((issue position, lo, hi), ...), bonus)


def _reservation(doc: Document, problems: list[Problem]) -> float:
    nodes = list(doc.root.iter("reservation"))
    if len(nodes) > 1:
        problems.append(Problem(doc.at(nodes[1]), "at most one <reservation> per profile",
                                f"{len(nodes)}"))
    if not nodes:
        return 0.0
    value = float_attribute(doc, nodes[0], "value", problems)
    return 0.0 if value is None else value


def _profile_issues(doc: Document, domain: list[DomainIssue], problems: list[Problem], *,
                    required: bool) -> dict[int, Node]:
    """The profile's ``<issue>`` elements by index, checked against the domain."""
    by_index = {issue.index: issue for issue in domain}
    found: dict[int, Node] = {}
    for node in doc.root.iter("issue"):
        index = integer_attribute(doc, node, "index", problems)
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
                lower = integer_attribute(doc, node, "lowerbound", problems)
                upper = integer_attribute(doc, node, "upperbound", problems)
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


def _discrete_values(doc: Document, node: Node, issue: DomainIssue,
                     problems: list[Problem]) -> list[float] | None:
    """Value utilities: evaluation / largest evaluation (later duplicates win, as in GENIUS)."""
    evaluation: dict[str, float] = {}
    known = set(issue.options)
    ok = True
    for item in node.kids("item"):
        value = attribute(doc, item, "value", problems)
        number = float_attribute(doc, item, "evaluation", problems)
        if value is None or number is None:
            ok = False
            continue
        if value not in known:
            problems.append(Problem(doc.at(item), f"value not in the domain's issue "
                                    f"{issue.name!r} (values: {listing(issue.options)})",
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
                                f"{issue.name!r}", f"no evaluation for {listing(missing)}"))
    if not ok or missing:
        return None
    top = max(evaluation.values())
    if top < EVALUATION_FLOOR:
        return [0.0] * len(issue.options)
    return [evaluation[o] / top for o in issue.options]


def _integer_values(doc: Document, node: Node, issue: DomainIssue,
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
    slope = float_attribute(doc, ev, "slope", problems)
    offset = float_attribute(doc, ev, "offset", problems)
    if slope is None or offset is None:
        return None
    return [min(1.0, max(0.0, offset + slope * (x - issue.lower)))
            for x in range(issue.lower, issue.upper + 1)]


def _objective_indices(*docs: Document) -> set[int]:
    out: set[int] = set()
    for doc in docs:
        for node in doc.root.iter("objective"):
            text = node.attrib.get("index", "").strip()
            if _INDEX.fullmatch(text):
                out.add(int(text))
    return out


def read_linear(doc: Document, domain_doc: Document, domain: list[DomainIssue],
            problems: list[Problem]) -> Profile:
    """A linear additive profile: weights times value utilities, per issue (problems recorded).

    Examples
    --------
    >>> import pathlib
    >>> from mutualgains.io.genius.xml import parse
    >>> domain_doc = parse(pathlib.Path("d.xml"), b'<negotiation_template><utility_space>'
    ...     b'<objective index="0"><issue index="1" name="food" type="discrete">'
    ...     b'<item index="1" value="soup"/><item index="2" value="salad"/></issue>'
    ...     b'</objective></utility_space></negotiation_template>')
    >>> doc = parse(pathlib.Path("ann.xml"), b'<utility_space><objective index="0">'
    ...     b'<issue index="1" name="food" type="discrete">'
    ...     b'<item index="1" value="soup" evaluation="4"/>'
    ...     b'<item index="2" value="salad" evaluation="2"/></issue><weight index="1" value="1"/>'
    ...     b'</objective></utility_space>')
    >>> read_linear(doc, domain_doc, read_domain(domain_doc), []).scores
    {'food': [1.0, 0.5]}
    """
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
        index = integer_attribute(doc, node, "index", problems)
        value = float_attribute(doc, node, "value", problems)
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
        return Profile({}, batna, nonlinear=False)
    scores = {issue.name: [weights[issue.index] / total * v for v in values[issue.index]]
              for issue in domain}
    return Profile(scores, batna, nonlinear=False)


def read_nonlinear(doc: Document, domain: list[DomainIssue], problems: list[Problem]) -> Profile:
    """A nonlinear profile: hyper-rectangles with utilities, normalised by ``maxutility``.

    Examples
    --------
    >>> import pathlib
    >>> from mutualgains.io.genius.xml import parse
    >>> domain_doc = parse(pathlib.Path("d.xml"), b'<negotiation_template><utility_space>'
    ...     b'<objective index="0"><issue index="1" name="minutes" type="integer" lowerbound="1" '
    ...     b'upperbound="3"/></objective></utility_space></negotiation_template>')
    >>> doc = parse(pathlib.Path("bob.xml"),
    ...     b'<utility_space type="nonlinear"><utility maxutility="10">'
    ...     b'<ufun type="PlainUfun" weight="1" aggregation="sum"><hyperRectangle utility="8">'
    ...     b'<INCLUDES index="1" min="2" max="3"/></hyperRectangle></ufun></utility>'
    ...     b'</utility_space>')
    >>> profile = read_nonlinear(doc, read_domain(domain_doc), [])
    >>> profile.nonlinear, profile.rectangles
    (True, [(((0, 1, 2),), 0.8)])
    """
    before = len(problems)
    _profile_issues(doc, domain, problems, required=False)
    batna = _reservation(doc, problems)
    utilities = list(doc.root.iter("utility"))
    if not utilities:
        problems.append(Problem(doc.path, "a nonlinear profile needs a <utility maxutility=..>",
                                "none"))
        return Profile({}, batna, nonlinear=True)
    utility = utilities[0]
    top = float_attribute(doc, utility, "maxutility", problems)
    if top is not None and top <= 0:
        problems.append(Problem(doc.at(utility), "maxutility must be positive", show(top)))
        top = None
    ufuns = utility.kids("ufun")
    if len(ufuns) != 1:
        problems.append(Problem(doc.at(utility), "must hold exactly one <ufun>",
                                str(len(ufuns))))
        return Profile({}, batna, nonlinear=True)
    ufun = ufuns[0]
    aggregation = ufun.attrib.get("aggregation", "sum").strip().lower()
    if aggregation != "sum":
        problems.append(Problem(doc.at(ufun), "only aggregation=\"sum\" is supported",
                                show(aggregation)))
    if "weight" in ufun.attrib:
        weight = float_attribute(doc, ufun, "weight", problems)
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
        value = float_attribute(doc, rect, "utility", problems)
        weight = float_attribute(doc, rect, "weight", problems) if "weight" in rect.attrib else 1.0
        includes, excludes = rect.kids("INCLUDES"), rect.kids("EXCLUDES")
        if includes and excludes:
            problems.append(Problem(doc.at(rect), "a hyperRectangle must use INCLUDES or "
                                    "EXCLUDES bounds, not both"))
            continue
        ranges: dict[int, tuple[int, int]] = {}  # issue position -> option positions lo..hi
        ok = True
        for bound in includes or excludes:
            index = integer_attribute(doc, bound, "index", problems)
            low = integer_attribute(doc, bound, "min", problems)
            high = integer_attribute(doc, bound, "max", problems)
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
        return Profile({}, batna, nonlinear=True)
    scores = {issue.name: [0.0] * len(issue.options) for issue in domain}
    if constant:
        first = domain[0].name
        scores[first] = [constant] * len(scores[first])
    return Profile(scores, batna, nonlinear=True, rectangles=rectangles)


