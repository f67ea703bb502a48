"""Plain data and cases: the case-file format (design §4) as dicts, both ways.

``case_from_dict`` reports every problem, structural and semantic, each naming
its place; ``case_to_dict`` writes what ``case_from_dict`` reads back exactly.
The file formats (YAML, JSON, Excel...) live in :mod:`mutualgains.io`.

Examples
--------
>>> from mutualgains.io.examples import load_example
>>> case = load_example("harbour")
>>> case_from_dict(case_to_dict(case)) == case
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from mutualgains.errors import CaseError, Problem
from mutualgains.limits import MAX_OPTIONS
from mutualgains.model.case import Case
from mutualgains.model.money import transfers_from_dict, transfers_to_dict
from mutualgains.model.phasing import phasing_from_dict, phasing_to_dict
from mutualgains.model.relations import Excludes, Precedes, Requires, Synergy
from mutualgains.model.uncertainty_format import uncertainty_from_dict, uncertainty_to_dict
from mutualgains.model.validate import size_problems
from mutualgains.model.values import DecisionRule, Issue, Party
from mutualgains.util import show

__all__ = ["CASE_KEYS", "PARTY_KEYS", "RULE_KEYS", "build_case", "case_from_dict",
           "case_to_dict"]


CASE_KEYS: dict[str, str] = {
    "name": "title of the case (string)",
    "description": "free text (string)",
    "parties": "party name -> {batna, weight, veto} (or a number: the BATNA)",
    "issues": "issue name -> list of option names",
    "scores": "party -> issue -> {option: points} or [points in option order]",
    "decision_rule": "{min_parties: k, veto: [party, ...]}; default: every party must accept",
    "margin": "a party accepts when its utility is at least BATNA + margin (default 0)",
    "requires": "list of {option: {issue: option}, needs: {issue: option or [options]}}",
    "excludes": "list of [{issue: option}, {issue: option}]: not both",
    "synergy": "list of {when: {issue: option or [options]}, bonus: {party: points}, name}",
    "precedes": "list of [{issue: option}, {issue: option}]: the first before the second",
    "costs": "issue -> option -> cost of choosing it (or [costs in option order])",
    "total_budget": "the chosen options may cost at most this in all",
    "transfers": "{pairs: all or [[payer, payee], ...], cap, rate: {party: points per unit}}",
    "phasing": "{periods, budget, carry_over, discount, projects: [{option, duration, cost}]}",
    "uncertainty": "{scores: party -> issue -> option -> spread, issues, parties, batnas}",
    "controls": "party -> [issues it controls] (for coalition games; default: every issue open)",
}
"""Top-level keys of a case file and what they hold."""

PARTY_KEYS = ("batna", "weight", "veto", "cap", "budget")
RULE_KEYS = ("min_parties", "veto")


# ------------------------------------------------------------------ from dict


def case_from_dict(data: Any) -> Case:
    """Build a :class:`~mutualgains.model.case.Case` from plain data, reporting all problems.

    Parameters
    ----------
    data : mapping
        The case in the file format (see :data:`CASE_KEYS`).

    Raises
    ------
    CaseError
        With every problem found, structural and semantic.

    Examples
    --------
    >>> case_from_dict({"parties": {"A": 2}, "issues": {"i": ["x"]}})
    <Case 'case': 1 parties, 1 issues, 1 packages, unanimity>
    >>> case_from_dict({"parties": {"A": 2}, "issues": {"i": ["x"]}, "isues": {}})
    Traceback (most recent call last):
    ...
    mutualgains.errors.CaseError: 1 problem in the case:
      isues: unknown key (known: name, description, parties, issues, scores, ...)
    """
    problems: list[Problem] = []
    if not isinstance(data, Mapping):
        raise CaseError([Problem("case", "must be a mapping of keys to values", show(data))])
    too_large = _size_problems(data)
    if too_large:  # refused before a party or an issue is built
        raise CaseError(too_large)
    for key in data:
        if key not in CASE_KEYS:
            problems.append(Problem(str(key), f"unknown key (known: {', '.join(CASE_KEYS)})"))

    parties = _parties(data.get("parties"), problems)
    issues = _issues(data.get("issues"), problems)
    rule = _rule(data.get("decision_rule"), problems)
    kwargs: dict[str, Any] = {"decision_rule": rule, **_relations(data, problems),
                              "transfers": transfers_from_dict(data.get("transfers"), problems),
                              "phasing": phasing_from_dict(data.get("phasing"), problems),
                              "uncertainty": uncertainty_from_dict(data.get("uncertainty"),
                                                                   problems)}
    for key in ("margin", "name", "description", "costs", "total_budget", "controls"):
        if data.get(key) is not None:
            kwargs[key] = data[key]
    return build_case(problems, parties, issues, data.get("scores"), **kwargs)


def _size_problems(data: Mapping[str, Any]) -> list[Problem]:
    """The size limits of :func:`mutualgains.model.validate.size_problems`, on the raw data."""
    parties, issues = data.get("parties"), data.get("issues")
    n_parties = len(parties) if isinstance(parties, Mapping) else 0
    n_options = sum(len(o) for o in issues.values() if isinstance(o, list | tuple)) \
        if isinstance(issues, Mapping) else 0
    return size_problems(n_parties, n_options)


def build_case(problems: list[Problem], *args: Any, **kwargs: Any) -> Case:
    """``Case(*args, **kwargs)``, raising every problem: those a reader already found
    and those the constructor finds, once each.

    Examples
    --------
    >>> found = [Problem("scores.A.i.z", "unknown option")]
    >>> build_case(found, [Party("A")], [Issue("i", ["x"])], {"B": {}})
    Traceback (most recent call last):
    ...
    mutualgains.errors.CaseError: 2 problems in the case:
      scores.A.i.z: unknown option
      scores.B: unknown party (got 'B')
    """
    try:
        case = Case(*args, **kwargs)
    except CaseError as err:
        seen = set(problems)
        problems.extend(p for p in err.problems if p not in seen)
        raise CaseError(problems) from None
    if problems:
        raise CaseError(problems)
    return case


def _parties(raw: Any, problems: list[Problem]) -> list[Party]:
    if raw is None:
        problems.append(Problem("parties", "is required: party name -> {batna, weight, veto}"))
        return []
    if not isinstance(raw, Mapping):
        problems.append(Problem("parties", "must map party names to {batna, weight, veto}",
                                show(raw)))
        return []
    out = []
    for name, spec in raw.items():
        where = f"parties.{name}"
        if spec is None:
            spec = {}
        elif not isinstance(spec, Mapping):
            spec = {"batna": spec}
        unknown = [k for k in spec if k not in PARTY_KEYS]
        for key in unknown:
            problems.append(Problem(f"{where}.{key}",
                                    f"unknown key (known: {', '.join(PARTY_KEYS)})"))
        try:
            out.append(Party(name, **{k: v for k, v in spec.items() if k in PARTY_KEYS}))
        except CaseError as err:
            problems.extend(err.problems)
            if isinstance(name, str) and name.strip():
                out.append(Party(name))  # stand-in, so its scores are still checked
    return out


def _issues(raw: Any, problems: list[Problem]) -> list[Issue]:
    if raw is None:
        problems.append(Problem("issues", "is required: issue name -> list of options"))
        return []
    if not isinstance(raw, Mapping):
        problems.append(Problem("issues", "must map issue names to lists of options", show(raw)))
        return []
    out = []
    for name, options in raw.items():
        if options is None:
            options = ()
        if isinstance(options, str) or not isinstance(options, list | tuple):
            problems.append(Problem(f"issues.{name}", "must be a list of option names",
                                    show(options)))
            continue
        try:
            out.append(Issue(name, tuple(options)))
        except CaseError as err:
            problems.extend(err.problems)
            valid = tuple(dict.fromkeys(o for o in options if isinstance(o, str) and o.strip()))
            if isinstance(name, str) and name.strip() and 0 < len(valid) <= MAX_OPTIONS:
                out.append(Issue(name, valid))  # stand-in, so its scores are still checked
    return out


def _relations(data: Mapping[str, Any], problems: list[Problem]) -> dict[str, list]:
    """The dependency lists (requires, excludes, synergy, precedes) of a case file."""
    out: dict[str, list] = {}

    def items(key: str) -> list:
        raw = data.get(key)
        if raw is None:
            return []
        if not isinstance(raw, list):
            problems.append(Problem(key, "must be a list", show(raw)))
            return []
        return raw

    def build(key: str, k: int, make: Callable[[], object]) -> None:
        try:
            out.setdefault(key, []).append(make())
        except CaseError as err:
            problems.extend(Problem(p.where.replace(key, f"{key}[{k}]", 1), p.rule, p.got)
                            for p in err.problems)
        except (TypeError, KeyError, ValueError):
            problems.append(Problem(f"{key}[{k}]", "has the wrong shape (see the case format)",
                                    show(item)))

    for k, item in enumerate(items("requires")):
        if not isinstance(item, Mapping) or set(item) != {"option", "needs"}:
            problems.append(Problem(f"requires[{k}]", "must be {option: {issue: option}, "
                                    "needs: {issue: option or [options]}}", show(item)))
            continue
        build("requires", k, partial(Requires, item["option"], item["needs"]))
    for key, kind in (("excludes", Excludes), ("precedes", Precedes)):
        for k, item in enumerate(items(key)):
            if not isinstance(item, list | tuple) or len(item) != 2:
                problems.append(Problem(f"{key}[{k}]", "must be a pair "
                                        "[{issue: option}, {issue: option}]", show(item)))
                continue
            build(key, k, partial(kind, item[0], item[1]))
    for k, item in enumerate(items("synergy")):
        if not isinstance(item, Mapping) or not {"when", "bonus"} <= set(item) or not set(
                item) <= {"when", "bonus", "name"}:
            problems.append(Problem(f"synergy[{k}]", "must be {when: {issue: option or "
                                    "[options]}, bonus: {party: points}, name}", show(item)))
            continue
        build("synergy", k, partial(Synergy, item["when"], item["bonus"],
                                    item.get("name", "")))
    return out


def _rule(raw: Any, problems: list[Problem]) -> DecisionRule:
    if raw is None:
        return DecisionRule()
    if not isinstance(raw, Mapping):
        problems.append(Problem("decision_rule", "must be a mapping {min_parties, veto}",
                                show(raw)))
        return DecisionRule()
    for key in raw:
        if key not in RULE_KEYS:
            problems.append(Problem(f"decision_rule.{key}",
                                    f"unknown key (known: {', '.join(RULE_KEYS)})"))
    veto = raw.get("veto") or ()
    if isinstance(veto, str):
        veto = (veto,)
    try:
        return DecisionRule(min_parties=raw.get("min_parties"), veto=veto)
    except CaseError as err:
        problems.extend(err.problems)
        return DecisionRule()


# -------------------------------------------------------------------- to dict


def case_to_dict(case: Case) -> dict[str, Any]:
    """Plain data for ``case`` in the file format; inverse of :func:`case_from_dict`.

    Zero scores are left out (missing means 0); defaults are left out.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> d = case_to_dict(load_example("harbour"))
    >>> list(d)
    ['name', 'description', 'parties', 'issues', 'scores', 'decision_rule']
    """
    out: dict[str, Any] = {"name": case.name}
    if case.description:
        out["description"] = case.description
    out["parties"] = {
        p.name: {"batna": p.batna, **({"weight": p.weight} if p.weight != 1 else {}),
                 **({"cap": p.cap} if p.cap is not None else {}),
                 **({"budget": p.budget} if p.budget is not None else {})}
        for p in case.parties
    }
    out["issues"] = {i.name: list(i.options) for i in case.issues}
    scores: dict[str, Any] = {}
    for party in case.party_names:
        row = {}
        for issue in case.issues:
            values = {o: v for o, v in zip(issue.options, case.scores[party][issue.name],
                                           strict=True) if v != 0}
            if values:
                row[issue.name] = values
        if row:
            scores[party] = row
    out["scores"] = scores
    rule: dict[str, Any] = {}
    if case.decision_rule.min_parties is not None:
        rule["min_parties"] = case.decision_rule.min_parties
    if case.decision_rule.veto:
        rule["veto"] = list(case.decision_rule.veto)
    if rule:
        out["decision_rule"] = rule
    if case.margin != 0:
        out["margin"] = case.margin
    if case.requires:
        out["requires"] = [{"option": _option(r.option), "needs": _cond(r.needs)}
                           for r in case.requires]
    if case.excludes:
        out["excludes"] = [[_option(e.a), _option(e.b)] for e in case.excludes]
    if case.synergy:
        out["synergy"] = [{"when": _cond(s.when), "bonus": dict(s.bonus),
                           **({"name": s.name} if s.name else {})} for s in case.synergy]
    if case.precedes:
        out["precedes"] = [[_option(p.before), _option(p.after)] for p in case.precedes]
    if case.costs:
        out["costs"] = {i: {o: c for o, c in zip(case.issue(i).options, values, strict=True)
                            if c} for i, values in case.costs.items()}
    if case.total_budget is not None:
        out["total_budget"] = case.total_budget
    if case.transfers is not None:
        out["transfers"] = transfers_to_dict(case.transfers)
    if case.phasing is not None:
        out["phasing"] = phasing_to_dict(case.phasing)
    if case.uncertainty is not None:
        out["uncertainty"] = uncertainty_to_dict(case.uncertainty)
    if case.controls:
        out["controls"] = {p: list(issues) for p, issues in case.controls.items()}
    return out


def _option(ref: tuple[str, str]) -> dict[str, str]:
    return {ref[0]: ref[1]}


def _cond(cond: Mapping[str, tuple[str, ...]]) -> dict[str, Any]:
    return {i: (o[0] if len(o) == 1 else list(o)) for i, o in cond.items()}
