"""GeniusWeb profiles (``LinearAdditiveUtilitySpace``) read into per-option scores and a BATNA,
checked as GeniusWeb checks them (see :mod:`mutualgains.io.geniusweb` for the semantics).

Examples
--------
>>> from mutualgains.io.geniusweb.jsontext import parse_bytes
>>> doc = parse_bytes("p.json", b'''{"LinearAdditiveUtilitySpace": {
...   "domain": {"name": "d", "issuesValues": {"size": {"range": [1, 3, 1]},
...                                            "colour": {"values": ["red", "blue"]}}},
...   "name": "buyer",
...   "issueUtilities": {
...     "size": {"numberutils": {"lowValue": 1, "lowUtility": 1, "highValue": 3,
...                              "highUtility": 0}},
...     "colour": {"DiscreteValueSetUtilities": {"valueUtilities": {"red": 0.5, "blue": 1}}}},
...   "issueWeights": {"size": 0.6, "colour": 0.4},
...   "reservationBid": {"issuevalues": {"size": 2, "colour": "red"}}}}''')
>>> profile = read_profile(doc, None, [])
>>> profile.scores
{'size': [0.6, 0.3, 0.0], 'colour': [0.2, 0.4]}
>>> profile.batna  # U(reservation bid) = 0.3 + 0.2
0.5
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Any

from mutualgains.errors import Problem
from mutualgains.io.geniusweb.domain import EXACT, Domain, DomainIssue, read_domain, valid_name
from mutualgains.io.geniusweb.jsontext import Document, Where, mapping, number, shown, text

__all__ = ["DISCRETE_TAGS", "NUMBER_TAGS", "PROFILE_KEYS", "PROFILE_TYPE", "Profile",
           "profile_type", "read_profile"]

PROFILE_TYPE = "LinearAdditiveUtilitySpace"
"""The one GeniusWeb profile type that is read (the top-level key of a profile file)."""

PROFILE_KEYS = ("domain", "name", "issueUtilities", "issueWeights", "reservationBid")
"""The keys of a ``LinearAdditiveUtilitySpace``."""

DISCRETE_TAGS = ("discreteutils", "DiscreteValueSetUtilities")
"""The two spellings of a discrete issue's utilities (GeniusWeb Java/wiki, GeniusWeb Python)."""

NUMBER_TAGS = ("numberutils", "NumberValueSetUtilities")
"""The two spellings of a number issue's utilities."""

_NUMBER_KEYS = ("lowValue", "lowUtility", "highValue", "highUtility")
_GENIUSWEB_DECIMAL = Context(prec=28)  # Python's default context, which GeniusWeb computes in
_EIGHT_PLACES = Decimal("1.00000000")


def profile_type(data: Any) -> str | None:
    """The profile type a file's data declares: its one top-level key when that names a
    GeniusWeb utility space or ordering, else None.

    Examples
    --------
    >>> profile_type({"LinearAdditiveUtilitySpace": {}}), profile_type({"name": "d"})
    ('LinearAdditiveUtilitySpace', None)
    """
    if isinstance(data, Mapping) and len(data) == 1:
        (key,) = data
        if key == PROFILE_TYPE or key.endswith(("UtilitySpace", "Ordering", "Profile")):
            return key
    return None


@dataclass(frozen=True)
class Profile:
    """One profile: its name, its domain, each issue's scores (weight x value utility, in the
    domain's option order) and the BATNA (the utility of the reservation bid, else 0).

    Examples
    --------
    >>> from mutualgains.io.geniusweb.domain import DomainIssue
    >>> domain = Domain("d", (DomainIssue("x", ("a", "b")),))
    >>> Profile("p", domain, {"x": [0.0, 1.0]}, 1.0, {"x": "b"}).batna
    1.0
    """

    name: str
    domain: Domain
    scores: dict[str, list[float]]
    batna: float
    reservation: dict[str, str] | None


def read_profile(doc: Document, domain: Domain | None, problems: list[Problem]) -> Profile | None:
    """The profile in ``doc``; its embedded domain must equal ``domain`` when one is given.

    Records every problem found (each naming the file and key path) and returns None
    when there is any.

    Examples
    --------
    >>> from mutualgains.io.geniusweb.jsontext import parse_bytes
    >>> problems = []
    >>> read_profile(parse_bytes("p.json", b'{"SumOfGroupsUtilitySpace": {}}'), None, problems)
    >>> print(problems[0])
    p.json: profile type not supported (only LinearAdditiveUtilitySpace) (got SumOfGroups...)
    """
    kind = profile_type(doc.data)
    if kind != PROFILE_TYPE:
        problems.append(Problem(doc.path, f"profile type not supported (only {PROFILE_TYPE})",
                                kind or "no profile"))
        return None
    at = doc.top.key(PROFILE_TYPE)
    before = len(problems)
    body = mapping(doc.data[PROFILE_TYPE], at, problems)
    if body is None:
        return None
    for key in body:
        if key not in PROFILE_KEYS:
            problems.append(Problem(str(at.key(key)), f"unknown key in a profile (known: "
                                    f"{', '.join(PROFILE_KEYS)})"))
    name = text(body.get("name"), at.key("name"), problems)
    if name is not None and not valid_name(name):
        problems.append(Problem(str(at.key("name")), "a GeniusWeb name must start with a-z, "
                                "A-Z or 0-9", name[:60]))
    if "domain" not in body:
        problems.append(Problem(str(at), "must embed its domain (key domain), as GeniusWeb "
                                "requires", "no domain"))
        return None
    own = read_domain(body["domain"], at.key("domain"), problems)
    if own is None:
        return None
    if domain is not None and own.signature() != domain.signature():
        problems.append(Problem(str(at.key("domain")), f"must be the folder's domain "
                                f"{domain.name!r} (same name, issues and values)",
                                f"domain {own.name!r} with issues "
                                f"{', '.join(i.name for i in own.issues)}"[:120]))
        return None
    domain = domain or own
    utilities = _utilities(body.get("issueUtilities"), domain, at.key("issueUtilities"),
                           problems)
    weights = _weights(body.get("issueWeights"), domain, at.key("issueWeights"), problems)
    reservation = _reservation(body.get("reservationBid"), domain, at.key("reservationBid"),
                               problems)
    if len(problems) > before or utilities is None or weights is None or name is None:
        return None
    with localcontext(EXACT):
        scores = {i.name: [float(weights[i.name] * u) for u in utilities[i.name]]
                  for i in domain.issues}
    batna = 0.0
    if reservation is not None:
        batna = sum(scores[i.name][reservation[i.name]] for i in domain.issues
                    if i.name in reservation)
    by_name = {i.name: i for i in domain.issues}  # _reservation keeps the domain's issues
    bid = None if reservation is None else {
        issue: by_name[issue].options[k] for issue, k in reservation.items()}
    return Profile(name, domain, scores, float(batna), bid)


def _same_issues(found: Mapping[str, Any], domain: Domain, at: Where,
                 problems: list[Problem]) -> bool:
    names = [i.name for i in domain.issues]
    missing = [n for n in names if n not in found]
    unknown = [n for n in found if n not in names]
    for issue in unknown:
        problems.append(Problem(str(at.key(issue)), f"unknown issue (domain issues: "
                                f"{', '.join(names)})"[:300]))
    if missing:
        problems.append(Problem(str(at), "must give every issue of the domain, as GeniusWeb "
                                "requires", f"none for {', '.join(missing)}"[:200]))
    return not (missing or unknown)


def _utilities(raw: Any, domain: Domain, at: Where, problems: list[Problem]
               ) -> dict[str, list[Decimal]] | None:
    found = mapping(raw, at, problems, "an object: issue -> utilities")
    if found is None or not _same_issues(found, domain, at, problems):
        return None
    out = {}
    for issue in domain.issues:
        values = _issue_utilities(found[issue.name], issue, at.key(issue.name), problems)
        if values is not None:
            out[issue.name] = values
    return out if len(out) == len(domain.issues) else None


def _issue_utilities(raw: Any, issue: DomainIssue, at: Where, problems: list[Problem]
                     ) -> list[Decimal] | None:
    tags = NUMBER_TAGS if issue.is_number else DISCRETE_TAGS
    found = mapping(raw, at, problems, f"an object with one key, {' or '.join(tags)}")
    if found is None:
        return None
    if len(found) != 1 or next(iter(found)) not in (*DISCRETE_TAGS, *NUMBER_TAGS):
        problems.append(Problem(str(at), f"must have exactly one key, {' or '.join(tags)}",
                                ", ".join(found)[:80] or "{}"))
        return None
    (tag,) = found
    if tag not in tags:
        kind = "a number range" if issue.is_number else "discrete"
        problems.append(Problem(str(at.key(tag)), f"the domain's issue {issue.name!r} is {kind}: "
                                f"its utilities must be {' or '.join(tags)}", tag))
        return None
    body = mapping(found[tag], at.key(tag), problems)
    if body is None:
        return None
    if issue.is_number:
        return _number_utilities(body, issue, at.key(tag), problems)
    if set(body) != {"valueUtilities"}:
        problems.append(Problem(str(at.key(tag)), "must have exactly one key, valueUtilities",
                                ", ".join(body)[:80] or "{}"))
        return None
    table = mapping(body["valueUtilities"], at.key(tag).key("valueUtilities"), problems,
                    "an object: value -> utility")
    if table is None:
        return None
    here = at.key(tag).key("valueUtilities")
    for value in table:
        if value not in issue.options:
            problems.append(Problem(str(here.key(value)), f"unknown value of issue "
                                    f"{issue.name!r} (values: {', '.join(issue.options)})"[:300]))
    missing = [o for o in issue.options if o not in table]
    if missing:
        problems.append(Problem(str(here), f"must give a utility to every value of issue "
                                f"{issue.name!r}, as GeniusWeb requires",
                                f"none for {', '.join(missing)}"[:200]))
    before = len(problems)
    out = [number(table.get(o), here.key(o), problems, low=0, high=1) for o in issue.options
           if o in table]
    if len(problems) > before or missing or len(table) != len(issue.options):
        return None
    return [u for u in out if u is not None]  # all of them: None came with a problem


def _number_utilities(body: Mapping[str, Any], issue: DomainIssue, at: Where,
                      problems: list[Problem]) -> list[Decimal] | None:
    """GeniusWeb's NumberValueSetUtilities: one line from (lowValue, lowUtility) to
    (highValue, highUtility), rounded half up to 8 decimals; the bounds are the range's."""
    if set(body) != set(_NUMBER_KEYS):
        problems.append(Problem(str(at), f"must have exactly the keys {', '.join(_NUMBER_KEYS)}",
                                ", ".join(body)[:80] or "{}"))
        return None
    before = len(problems)
    low_value = number(body["lowValue"], at.key("lowValue"), problems)
    high_value = number(body["highValue"], at.key("highValue"), problems)
    low_u = number(body["lowUtility"], at.key("lowUtility"), problems, low=0, high=1)
    high_u = number(body["highUtility"], at.key("highUtility"), problems, low=0, high=1)
    # number() records a problem whenever it returns None
    if (len(problems) > before or low_value is None or high_value is None or low_u is None
            or high_u is None):
        return None
    numbers = issue.numbers or ()
    for key, value, bound in (("lowValue", low_value, numbers[0]),
                              ("highValue", high_value, numbers[-1])):
        if value != bound:
            problems.append(Problem(str(at.key(key)), f"must equal the {key[:-5]} of the "
                                    f"issue's range ({bound}), as GeniusWeb requires",
                                    shown(value)))
    if len(problems) == before and not high_value > low_value:
        problems.append(Problem(str(at.key("highValue")), "must exceed lowValue",
                                shown(high_value)))
    if len(problems) > before:
        return None
    with localcontext(_GENIUSWEB_DECIMAL):
        span = high_value - low_value
        return [(low_u + (high_u - low_u) * (x - low_value) / span).quantize(
            _EIGHT_PLACES, rounding=ROUND_HALF_UP) for x in numbers]


def _weights(raw: Any, domain: Domain, at: Where, problems: list[Problem]
             ) -> dict[str, Decimal] | None:
    found = mapping(raw, at, problems, "an object: issue -> weight")
    if found is None or not _same_issues(found, domain, at, problems):
        return None
    before = len(problems)
    found_weights = {i.name: number(found[i.name], at.key(i.name), problems, low=0, high=1)
                     for i in domain.issues}
    if len(problems) > before:
        return None
    # every weight is a number: number() records a problem whenever it returns None
    weights = {name: w for name, w in found_weights.items() if w is not None}
    with localcontext(EXACT):
        total = sum(weights.values(), Decimal(0))
    if total != 1:
        problems.append(Problem(str(at), "the weights must sum to exactly 1, as GeniusWeb "
                                "requires (they are not normalised)", shown(total)))
        return None
    return weights


def _reservation(raw: Any, domain: Domain, at: Where, problems: list[Problem]
                 ) -> dict[str, int] | None:
    """The reservation bid's option positions; None when it is absent or null."""
    if raw is None:
        return None
    found = mapping(raw, at, problems, 'a bid {"issuevalues": {issue: value}} or null')
    if found is None:
        return None
    if set(found) != {"issuevalues"}:
        problems.append(Problem(str(at), "a bid must have exactly one key, issuevalues",
                                ", ".join(found)[:80] or "{}"))
        return None
    values = mapping(found["issuevalues"], at.key("issuevalues"), problems,
                     "an object: issue -> value")
    if values is None:
        return None
    out = {}
    for issue_name, value in values.items():
        here = at.key("issuevalues").key(issue_name)
        issue = domain.issue(issue_name)
        if issue is None:
            problems.append(Problem(str(here), "unknown issue (domain issues: "
                                    f"{', '.join(i.name for i in domain.issues)})"[:300]))
            continue
        k = issue.position(value)
        if k is None:
            kind = ("a number of the issue's range" if issue.is_number
                    else "one of the issue's values (a string)")
            problems.append(Problem(str(here), f"must be {kind}", shown(value)))
            continue
        out[issue_name] = k
    return out
