"""The validation of a whole case: every field normalised, then the checks across fields.

Examples
--------
>>> from mutualgains.model import Case, Issue, Party
>>> Case([Party("A")], [Issue("i", ["x"])], {"A": {"i": [1, 2]}})
Traceback (most recent call last):
...
mutualgains.errors.CaseError: 1 problem in the case:
  scores.A.i: must list 1 scores, one per option (x) (got 2)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from mutualgains.errors import Problem
from mutualgains.model import relations as deps
from mutualgains.model.money import Transfers
from mutualgains.model.phasing import Phasing
from mutualgains.model.relations import Excludes, Precedes, Requires, Synergy
from mutualgains.model.values import DecisionRule, Issue, Number, Party
from mutualgains.util import number, show

if TYPE_CHECKING:  # pragma: no cover
    from mutualgains.model.case import Case

__all__ = ["case_problems"]


def case_problems(case: Case) -> list[Problem]:
    """Check and normalise every field of ``case`` in place; return the problems.

    :class:`~mutualgains.model.Case` calls it on construction and raises them.

    Examples
    --------
    >>> from mutualgains.model import Case, Issue, Party
    >>> Case([Party("A"), Party("A")], [Issue("i", ["x"])], {})
    Traceback (most recent call last):
    ...
    mutualgains.errors.CaseError: 1 problem in the case:
      parties.A: duplicate party name
    """
    problems: list[Problem] = []
    setf = object.__setattr__

    parties = _as_tuple(case.parties, "parties", Party, problems)
    issues = _as_tuple(case.issues, "issues", Issue, problems)
    names = [p.name for p in parties]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        problems.append(Problem(f"parties.{dup}", "duplicate party name"))
    inames = [i.name for i in issues]
    for dup in sorted({n for n in inames if inames.count(n) > 1}):
        problems.append(Problem(f"issues.{dup}", "duplicate issue name"))
    if not parties and not problems:
        problems.append(Problem("parties", "must list at least one party", "none"))

    rule = case.decision_rule
    if not isinstance(rule, DecisionRule):
        problems.append(Problem("decision_rule", "must be a DecisionRule", show(rule)))
        rule = DecisionRule()
    for name in rule.veto:
        if name not in names:
            problems.append(Problem("decision_rule.veto", "unknown party", show(name)))
    if rule.min_parties is not None and rule.min_parties > len(parties):
        problems.append(Problem("decision_rule.min_parties",
                                f"must be at most the number of parties ({len(parties)})",
                                str(rule.min_parties)))
    veto = [n for n in names if n in rule.veto or any(p.veto for p in parties if p.name == n)]
    rule = replace(rule, veto=tuple(dict.fromkeys(veto)))
    parties = tuple(replace(p, veto=True) if p.name in veto and not p.veto else p for p in parties)

    margin = number(case.margin, "margin", problems)
    if not isinstance(case.name, str):
        problems.append(Problem("name", "must be a string", show(case.name)))
    if not isinstance(case.description, str):
        problems.append(Problem("description", "must be a string", show(case.description)))

    scores = _normalise_scores(case.scores, names, issues, problems)

    relations = {}
    for key, kind in (("requires", Requires), ("excludes", Excludes), ("synergy", Synergy),
                      ("precedes", Precedes)):
        relations[key] = _as_tuple(getattr(case, key), key, kind, problems)
        setf(case, key, relations[key])

    setf(case, "costs", _normalise_costs(case.costs, issues, problems))
    total = case.total_budget
    if total is not None:
        total = number(total, "total_budget", problems, low=0)
    setf(case, "total_budget", total)
    if case.transfers is not None and not isinstance(case.transfers, Transfers):
        problems.append(Problem("transfers", "must be a Transfers", show(case.transfers)))
    elif case.transfers is not None:
        for payer, payee in case.transfers.pairs or ():
            for name in (payer, payee):
                if name not in names:
                    problems.append(Problem("transfers.pairs", "unknown party", show(name)))
        for name in case.transfers.rate:
            if name not in names:
                problems.append(Problem("transfers.rate", "unknown party", show(name)))
    if case.phasing is not None and not isinstance(case.phasing, Phasing):
        problems.append(Problem("phasing", "must be a Phasing", show(case.phasing)))
    elif case.phasing is not None:
        known = {(i.name, o) for i in issues for o in i.options}
        for project in case.phasing.projects:
            if project.option not in known:
                problems.append(Problem("phasing.projects", "unknown option",
                                        deps.option_label(project.option)))

    setf(case, "controls", _normalise_controls(case.controls, names, inames, problems))
    setf(case, "parties", parties)
    setf(case, "issues", issues)
    setf(case, "decision_rule", rule)
    setf(case, "margin", margin if margin is not None else 0)
    setf(case, "scores", scores)
    if not problems:
        problems += deps.reference_problems(case)
    if not problems:
        problems += deps.precedence_problems(case) + deps.contradiction_problems(case)
    return problems


def _normalise_costs(raw: Any, issues: tuple[Issue, ...],
                     problems: list[Problem]) -> Mapping[str, tuple[Number, ...]]:
    """``issue -> option -> cost`` (or lists) as read-only tuples; only issues with costs."""
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        problems.append(Problem("costs", "must map issues to option costs", show(raw)))
        return MappingProxyType({})
    wrapped = _normalise_scores({"costs": raw}, ["costs"], issues, problems, root="")
    out = {}
    for issue, values in wrapped["costs"].items():
        if any(v < 0 for v in values):
            problems.append(Problem(f"costs.{issue}", "costs must be non-negative",
                                    show(values)))
        if any(values):
            out[issue] = values
    return MappingProxyType(out)


def _normalise_controls(raw: Any, parties: list[str], issues: list[str],
                        problems: list[Problem]) -> Mapping[str, tuple[str, ...]]:
    """``party -> issues it controls`` as read-only tuples; parties that list none left out."""
    if raw is None:
        return MappingProxyType({})
    if not isinstance(raw, Mapping):
        problems.append(Problem("controls", "must map parties to the issues they control",
                                show(raw)))
        return MappingProxyType({})
    out = {}
    for party, listed in raw.items():
        where = f"controls.{party}"
        if party not in parties:
            problems.append(Problem(where, "unknown party", show(party)))
            continue
        if listed is None:
            continue
        if isinstance(listed, str | bytes) or not isinstance(listed, Iterable):
            problems.append(Problem(where, "must be a list of issue names", show(listed)))
            continue
        listed = tuple(listed)
        for name in listed:
            if name not in issues:
                problems.append(Problem(where, "unknown issue", show(name)))
        for dup in sorted({n for n in listed if isinstance(n, str) and listed.count(n) > 1}):
            problems.append(Problem(where, "issue listed twice", show(dup)))
        if listed:
            out[party] = listed
    return MappingProxyType(out)


def _as_tuple(items: Any, where: str, kind: type, problems: list[Problem]) -> tuple:
    if isinstance(items, str | bytes) or not isinstance(items, Iterable):
        problems.append(Problem(where, f"must be a list of {kind.__name__} objects", show(items)))
        return ()
    out = tuple(items)
    good = tuple(x for x in out if isinstance(x, kind))
    for k, x in enumerate(out):
        if not isinstance(x, kind):
            problems.append(Problem(f"{where}[{k}]", f"must be a {kind.__name__}", show(x)))
    return good


def _normalise_scores(
    raw: Any, parties: list[str], issues: tuple[Issue, ...], problems: list[Problem],
    root: str = "scores.",
) -> Mapping[str, Mapping[str, tuple[Number, ...]]]:
    by_issue = {i.name: i for i in issues}
    table: dict[str, dict[str, list[Number]]] = {
        p: {i.name: [0] * len(i.options) for i in issues} for p in parties
    }
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        problems.append(Problem("scores", "must map party names to issue scores", show(raw)))
        raw = {}
    for party, row in raw.items():
        where = f"{root}{party}"
        if party not in table:
            problems.append(Problem(where, "unknown party", show(party)))
            continue
        if row is None:
            continue
        if not isinstance(row, Mapping):
            problems.append(Problem(where, "must map issue names to scores", show(row)))
            continue
        for issue_name, values in row.items():
            here = f"{where}.{issue_name}"
            issue = by_issue.get(issue_name)
            if issue is None:
                problems.append(Problem(here, "unknown issue", show(issue_name)))
                continue
            target = table[party][issue_name]
            if isinstance(values, Mapping):
                for option, value in values.items():
                    if option not in issue.options:
                        problems.append(Problem(
                            f"{here}.{option}",
                            f"unknown option (options: {', '.join(issue.options)})",
                            show(option)))
                        continue
                    points = number(value, f"{here}.{option}", problems)
                    if points is not None:
                        target[issue.options.index(option)] = points
            elif isinstance(values, Sequence) and not isinstance(values, str):
                if len(values) != len(issue.options):
                    problems.append(Problem(
                        here, f"must list {len(issue.options)} scores, one per option "
                        f"({', '.join(issue.options)})", f"{len(values)}"))
                    continue
                for option, value in zip(issue.options, values, strict=True):
                    points = number(value, f"{here}.{option}", problems)
                    if points is not None:
                        target[issue.options.index(option)] = points
            else:
                problems.append(Problem(here, "must be a mapping option -> score or a list",
                                        show(values)))
    return MappingProxyType({
        p: MappingProxyType({i: tuple(v) for i, v in row.items()}) for p, row in table.items()
    })
