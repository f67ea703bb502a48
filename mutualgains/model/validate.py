"""The validation of a whole case, in the shape of attrs: a converter per field, then one
cross-field pass.

1. :data:`FIELDS` converts each field on its own (``name -> converter(value, problems)``):
   types checked, containers made tuples, numbers checked and made ``int`` or ``float``.
2. A case larger than the limits (:func:`size_problems`) is refused here, before its scores
   are read. Then :data:`CROSS_FIELD` checks, in order, what needs several fields: unique
   names, the decision rule's parties, scores and costs against the parties and issues
   (both are converted here), the parties of the transfers, the options of the phasing
   data, the names and ranges of the uncertainty.
3. The normalised fields are stored on the frozen case at once
   (:func:`mutualgains.util.set_fields`).
4. When nothing is wrong so far, :data:`DEPENDENCY_CHECKS` check the relations between
   options: unknown references, a cycle of ``precedes``, contradictions.

Every problem is collected, none raised here; the work is linear in the size of the case.
A new field of :class:`~mutualgains.model.Case` adds one converter to :data:`FIELDS` (and a
cross-field check to :data:`CROSS_FIELD` when it refers to other fields).

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

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from mutualgains.errors import Problem
from mutualgains.limits import MAX_MAGNITUDE, MAX_OPTIONS, MAX_SCORE_CELLS, refusal
from mutualgains.model import relations as deps
from mutualgains.model.money import Transfers
from mutualgains.model.phasing import Phasing
from mutualgains.model.relations import Excludes, Precedes, Requires, Synergy
from mutualgains.model.uncertainty_format import uncertainty_problems
from mutualgains.model.values import DecisionRule, Issue, Number, Party
from mutualgains.util import listing, number, set_fields, show

if TYPE_CHECKING:  # pragma: no cover
    from mutualgains.model.case import Case

__all__ = ["CROSS_FIELD", "DEPENDENCY_CHECKS", "FIELDS", "case_problems", "size_problems"]

Converter = Callable[[Any, list[Problem]], Any]
_PLAIN = (int, float)  # exact types: bool and the numpy scalars go through util.number
Fields = dict[str, Any]


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
    fields: Fields = {name: convert(getattr(case, name), problems)
                      for name, convert in FIELDS.items()}
    too_large = size_problems(len(fields["parties"]),
                              sum(len(i.options) for i in fields["issues"]))
    if too_large:  # refused before the scores are read
        return problems + too_large
    for check in CROSS_FIELD:
        check(fields, problems)
    set_fields(case, **fields)
    for stage in DEPENDENCY_CHECKS:
        if problems:
            break
        for relation_check in stage:
            problems += relation_check(case)
    return problems


# ------------------------------------------------------------------ converters


def _tuple_of(kind: type, where: str) -> Converter:
    """A converter to a tuple of ``kind`` objects (others dropped, each reported)."""

    def convert(items: Any, problems: list[Problem]) -> tuple:
        if isinstance(items, str | bytes) or not isinstance(items, Iterable):
            problems.append(Problem(where, f"must be a list of {kind.__name__} objects",
                                    show(items)))
            return ()
        out = tuple(items)
        for k, x in enumerate(out):
            if not isinstance(x, kind):
                problems.append(Problem(f"{where}[{k}]", f"must be a {kind.__name__}", show(x)))
        return tuple(x for x in out if isinstance(x, kind))

    return convert


def _optional(kind: type, where: str) -> Converter:
    """A converter that keeps None or a ``kind`` object (anything else is reported)."""

    def convert(value: Any, problems: list[Problem]) -> Any:
        if value is not None and not isinstance(value, kind):
            problems.append(Problem(where, f"must be a {kind.__name__}", show(value)))
        return value

    return convert


def _text(where: str) -> Converter:
    def convert(value: Any, problems: list[Problem]) -> Any:
        if not isinstance(value, str):
            problems.append(Problem(where, "must be a string", show(value)))
        return value

    return convert


def _decision_rule(rule: Any, problems: list[Problem]) -> DecisionRule:
    if not isinstance(rule, DecisionRule):
        problems.append(Problem("decision_rule", "must be a DecisionRule", show(rule)))
        return DecisionRule()
    return rule


def _margin(value: Any, problems: list[Problem]) -> Number:
    margin = number(value, "margin", problems)
    return 0 if margin is None else margin


def _total_budget(value: Any, problems: list[Problem]) -> Number | None:
    return None if value is None else number(value, "total_budget", problems, low=0)


def _later(value: Any, problems: list[Problem]) -> Any:
    """Scores, costs, uncertainty and controls: converted or checked in the cross-field
    pass (they need parties and issues)."""
    return value


FIELDS: dict[str, Converter] = {
    "parties": _tuple_of(Party, "parties"),
    "issues": _tuple_of(Issue, "issues"),
    "scores": _later,
    "decision_rule": _decision_rule,
    "margin": _margin,
    "name": _text("name"),
    "description": _text("description"),
    "requires": _tuple_of(Requires, "requires"),
    "excludes": _tuple_of(Excludes, "excludes"),
    "synergy": _tuple_of(Synergy, "synergy"),
    "precedes": _tuple_of(Precedes, "precedes"),
    "costs": _later,
    "total_budget": _total_budget,
    "transfers": _optional(Transfers, "transfers"),
    "phasing": _optional(Phasing, "phasing"),
    "uncertainty": _later,
    "controls": _later,
}
"""Field name -> its converter, in the order the fields are checked."""


# ---------------------------------------------------------------- cross-field


def _unique_names(fields: Fields, problems: list[Problem]) -> None:
    for kind, items in (("party", fields["parties"]), ("issue", fields["issues"])):
        counts = Counter(x.name for x in items)
        for dup in sorted(n for n, c in counts.items() if c > 1):
            problems.append(Problem(f"{'parties' if kind == 'party' else 'issues'}.{dup}",
                                    f"duplicate {kind} name"))
    if not fields["parties"] and not problems:
        problems.append(Problem("parties", "must list at least one party", "none"))


def size_problems(parties: int, options: int) -> list[Problem]:
    """A problem when a case of ``parties`` parties and ``options`` options (all issues
    together) is beyond :data:`~mutualgains.limits.MAX_OPTIONS` or
    :data:`~mutualgains.limits.MAX_SCORE_CELLS` (parties x options).

    Examples
    --------
    >>> size_problems(2, 10), size_problems(2, 2_000_000)[0].where
    ([], 'issues')
    """
    if options > MAX_OPTIONS:
        return [Problem("issues", f"must have {refusal('MAX_OPTIONS', 'options')} in all",
                        f"{options:,}")]
    if options * parties > MAX_SCORE_CELLS:
        return [Problem("scores", f"parties times options must be {refusal('MAX_SCORE_CELLS')}",
                        f"{parties:,} parties x {options:,} options")]
    return []


def _decision_rule_parties(fields: Fields, problems: list[Problem]) -> None:
    """Veto parties must exist; ``veto=True`` parties and the rule's veto list are merged."""
    parties, rule = fields["parties"], fields["decision_rule"]
    names = {p.name for p in parties}
    for name in rule.veto:
        if name not in names:
            problems.append(Problem("decision_rule.veto", "unknown party", show(name)))
    if rule.min_parties is not None and rule.min_parties > len(parties):
        problems.append(Problem("decision_rule.min_parties",
                                f"must be at most the number of parties ({len(parties)})",
                                str(rule.min_parties)))
    listed = set(rule.veto)
    veto = [p.name for p in parties if p.name in listed or p.veto]
    fields["decision_rule"] = replace(rule, veto=tuple(dict.fromkeys(veto)))
    marked = set(veto)
    fields["parties"] = tuple(replace(p, veto=True) if p.name in marked and not p.veto else p
                              for p in parties)


def _scores(fields: Fields, problems: list[Problem]) -> None:
    names = [p.name for p in fields["parties"]]
    fields["scores"] = _normalise_scores(fields["scores"], names, fields["issues"], problems)


def _costs(fields: Fields, problems: list[Problem]) -> None:
    """``issue -> option -> cost`` (or lists) as read-only tuples; only issues with costs."""
    costs = fields["costs"]
    if costs is None:
        costs = {}
    if not isinstance(costs, Mapping):
        problems.append(Problem("costs", "must map issues to option costs", show(costs)))
        fields["costs"] = MappingProxyType({})
        return
    wrapped = _normalise_scores({"costs": costs}, ["costs"], fields["issues"], problems, root="")
    out = {}
    for issue, values in wrapped["costs"].items():
        if any(v < 0 for v in values):
            problems.append(Problem(f"costs.{issue}", "costs must be non-negative",
                                    show(values)))
        if any(values):
            out[issue] = values
    fields["costs"] = MappingProxyType(out)


def _transfer_parties(fields: Fields, problems: list[Problem]) -> None:
    transfers = fields["transfers"]
    if not isinstance(transfers, Transfers):
        return
    names = {p.name for p in fields["parties"]}
    for payer, payee in transfers.pairs or ():
        for name in (payer, payee):
            if name not in names:
                problems.append(Problem("transfers.pairs", "unknown party", show(name)))
    for name in transfers.rate:
        if name not in names:
            problems.append(Problem("transfers.rate", "unknown party", show(name)))


def _phasing_options(fields: Fields, problems: list[Problem]) -> None:
    phasing = fields["phasing"]
    if not isinstance(phasing, Phasing):
        return
    issues = {i.name: i for i in fields["issues"]}
    for project in phasing.projects:
        issue = issues.get(project.option[0])
        if issue is None or project.option[1] not in issue.positions:
            problems.append(Problem("phasing.projects", "unknown option",
                                    deps.option_label(project.option)))


def _uncertainty(fields: Fields, problems: list[Problem]) -> None:
    """The uncertain scores and BATNAs name known parties, issues and options, and their
    ranges hold the nominal values (see
    :func:`~mutualgains.model.uncertainty_format.uncertainty_problems`)."""
    parties = fields["parties"]
    problems += uncertainty_problems(fields["uncertainty"], [p.name for p in parties],
                                     fields["issues"], fields["scores"],
                                     {p.name: p.batna for p in parties})


def _controls(fields: Fields, problems: list[Problem]) -> None:
    """``party -> issues it controls`` as read-only tuples; parties that list none left out."""
    raw = fields["controls"]
    fields["controls"] = MappingProxyType({})
    if raw is None:
        return
    if not isinstance(raw, Mapping):
        problems.append(Problem("controls", "must map parties to the issues they control",
                                show(raw)))
        return
    parties = {p.name for p in fields["parties"]}
    issues = {i.name for i in fields["issues"]}
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
            if not isinstance(name, str) or name not in issues:
                problems.append(Problem(where, "unknown issue", show(name)))
        counts = Counter(n for n in listed if isinstance(n, str))
        for dup in sorted(n for n, c in counts.items() if c > 1):
            problems.append(Problem(where, "issue listed twice", show(dup)))
        if listed:
            out[party] = listed
    fields["controls"] = MappingProxyType(out)


CROSS_FIELD: tuple[Callable[[Fields, list[Problem]], None], ...] = (
    _unique_names, _decision_rule_parties, _scores, _costs, _transfer_parties,
    _phasing_options, _uncertainty, _controls,
)
"""The checks across fields, in order: ``check(fields, problems)`` reads the converted
``fields``, may normalise them (scores and costs are converted here), and records problems."""

DEPENDENCY_CHECKS: tuple[tuple[Callable[[Case], list[Problem]], ...], ...] = (
    (deps.reference_problems,),
    (deps.precedence_problems, deps.contradiction_problems),
)
"""Checks of the relations between options, in stages run on the normalised case while no
problem is found (a later stage assumes the earlier ones passed)."""


# --------------------------------------------------------------------- scores


def _normalise_scores(
    raw: Any, parties: Sequence[str], issues: Sequence[Issue], problems: list[Problem],
    root: str = "scores.",
) -> Mapping[str, Mapping[str, tuple[Number, ...]]]:
    """``party -> issue -> scores in option order`` (read-only; missing scores are 0).

    ``raw`` maps parties to issues to either ``option -> points`` or a list of
    points in option order; every problem is recorded under ``root``.
    """
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
            _issue_scores(values, issue, here, table[party][issue_name], problems)
    return MappingProxyType({
        p: MappingProxyType({i: tuple(v) for i, v in row.items()}) for p, row in table.items()
    })


def _issue_scores(values: Any, issue: Issue, here: str, target: list[Number],
                  problems: list[Problem]) -> None:
    """Fill ``target`` (one score per option) from a mapping or a list."""
    items: Iterable[tuple[Any, Any]]
    if isinstance(values, Mapping):
        items = values.items()
    elif isinstance(values, Sequence) and not isinstance(values, str):
        if len(values) != len(issue.options):
            problems.append(Problem(
                here, f"must list {len(issue.options)} scores, one per option "
                f"({listing(issue.options)})", f"{len(values)}"))
            return
        items = zip(issue.options, values, strict=True)
    else:
        problems.append(Problem(here, "must be a mapping option -> score or a list",
                                show(values)))
        return
    positions = issue.positions
    for option, value in items:
        k = positions.get(option) if isinstance(option, str) else None
        if k is None:
            problems.append(Problem(f"{here}.{option}",
                                    f"unknown option (options: {listing(issue.options)})",
                                    show(option)))
            continue
        if type(value) in _PLAIN and -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE:
            target[k] = value  # a plain finite number (NaN fails the comparisons)
            continue
        points = number(value, f"{here}.{option}", problems)
        if points is not None:
            target[k] = points
