"""Cases as pandas DataFrames: a long score table and a parties table.

The score table has one row per party, issue and option, with columns
``party, issue, option, score`` (missing rows score 0). The parties table has
columns ``party, batna`` and optionally ``weight`` and ``veto``; its ``attrs``
carry the case-level settings (``min_parties``, ``margin``, ``name``,
``description``) so that a round trip is exact.

Row numbers in error messages count from 0 in table order (``df.iloc[n]``),
whatever the index is.

Examples
--------
>>> from mutualgains.io.examples import load_example
>>> from mutualgains.io.frames import case_from_frames, case_to_frames
>>> case = load_example("harbour")
>>> scores, parties = case_to_frames(case)
>>> list(scores.columns), list(parties.columns)
(['party', 'issue', 'option', 'score'], ['party', 'batna', 'weight', 'veto'])
>>> case_from_frames(scores, parties) == case
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from mutualgains.errors import CaseError, Problem
from mutualgains.model import Case, DecisionRule, Issue, Party
from mutualgains.model.arguments import CASE
from mutualgains.model.convert import build_case
from mutualgains.params import Instance, Maybe, validated
from mutualgains.util import listing, number, show, warn

__all__ = ["PARTY_COLUMNS", "SCORE_COLUMNS", "IncompleteFramesWarning", "case_from_frames",
           "case_to_frames"]

SCORE_COLUMNS: tuple[str, ...] = ("party", "issue", "option", "score")
"""Columns of the long score table, in order."""

PARTY_COLUMNS: tuple[str, ...] = ("party", "batna", "weight", "veto")
"""Columns of the parties table, in order (``weight`` and ``veto`` are optional)."""

_REQUIRED_PARTY_COLUMNS = ("party", "batna")


class IncompleteFramesWarning(UserWarning):
    """:func:`case_to_frames` left out parts of the case that the two tables cannot hold."""


def _left_out(case: Case) -> list[str]:
    """The parts of ``case`` that the score and parties tables do not hold."""
    parts = [key for key in ("requires", "excludes", "synergy", "precedes", "costs", "controls")
             if getattr(case, key)]
    parts += [key for key in ("total_budget", "transfers", "phasing", "uncertainty")
              if getattr(case, key) is not None]
    parts += [f"party {key}s" for key in ("cap", "budget")
              if any(getattr(p, key) is not None for p in case.parties)]
    return parts


# ------------------------------------------------------------------ helpers


def _columns(
    frame: Any, table: str, required: Sequence[str], optional: Sequence[str],
    problems: list[Problem],
) -> dict[str, list[Any]] | None:
    """The wanted columns of ``frame`` as lists of Python values, or None if not a frame."""
    if not isinstance(frame, pd.DataFrame):
        problems.append(Problem(table, "must be a pandas DataFrame", show(frame)))
        return None
    if not frame.columns.is_unique:
        for dup in dict.fromkeys(c for c in frame.columns[frame.columns.duplicated()]):
            problems.append(Problem(f"{table}.{dup}", "duplicate column"))
        frame = frame.loc[:, ~frame.columns.duplicated()]
    out: dict[str, list[Any]] = {}
    for column in (*required, *optional):
        if column in frame.columns:
            out[column] = frame[column].tolist()
        elif column in required:
            problems.append(Problem(f"{table}.{column}",
                                    f"required column is missing (need {', '.join(required)})",
                                    f"columns {', '.join(map(str, frame.columns)) or 'none'}"))
    return out


def _label(value: Any, where: str, problems: list[Problem]) -> bool:
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(where, "must be a non-empty string", show(value)))
        return False
    return True


def _attr(parties: Any, key: str) -> Any:
    attrs = getattr(parties, "attrs", None)
    if not isinstance(attrs, Mapping):
        return None
    value = attrs.get(key)
    try:
        if value is not None and pd.isna(value):
            return None
    except (TypeError, ValueError):  # lists and other non-scalars
        pass
    return value


# --------------------------------------------------------------- from frames


@validated(scores=Instance(pd.DataFrame), parties=Instance(pd.DataFrame),
           issues=Maybe(Instance(Mapping, label="a mapping of issue -> option names")),
           decision_rule=Maybe(Instance(DecisionRule)), name=Maybe(Instance(str)),
           description=Maybe(Instance(str)))
def case_from_frames(
    scores: pd.DataFrame,
    parties: pd.DataFrame,
    *,
    issues: Mapping[str, Sequence[str]] | None = None,
    decision_rule: DecisionRule | None = None,
    margin: float | None = None,
    name: str | None = None,
    description: str | None = None,
) -> Case:
    """Build a :class:`~mutualgains.model.case.Case` from a long score table and a parties table.

    Parameters
    ----------
    scores : DataFrame
        Columns ``party, issue, option, score``; one row per party, issue and
        option, at most once each. Missing rows score 0. Other columns are
        ignored. Issues are ordered by first appearance, and so are the
        options of each issue unless ``issues`` is given.
    parties : DataFrame
        Columns ``party, batna`` and optionally ``weight`` (non-negative,
        default 1) and ``veto`` (bool, default False); one row per party, in
        case order. Its ``attrs`` may hold ``min_parties``, ``margin``,
        ``name`` and ``description`` (as written by :func:`case_to_frames`),
        used when the matching keyword is None.
    issues : mapping, optional
        ``issue -> option names`` fixing the issues, their order and the order
        of their options. Every row of ``scores`` must then name one of them;
        issues without rows score 0 everywhere.
    decision_rule : DecisionRule, optional
        Default: ``DecisionRule(min_parties=parties.attrs.get("min_parties"))``,
        i.e. unanimity unless the attrs say otherwise. Parties with
        ``veto=True`` are veto parties in any case.
    margin : float, optional
        Default: ``parties.attrs["margin"]``, else 0.
    name, description : str, optional
        Default: from ``parties.attrs``, else the :class:`Case` defaults.

    Returns
    -------
    Case

    Raises
    ------
    CaseError
        With every problem found, each naming its table, row (counted from 0)
        and column, e.g. ``scores[row 3].score``.

    Examples
    --------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({
    ...     "party": ["Port", "Port", "City", "City"],
    ...     "issue": ["dredging", "dredging", "park", "park"],
    ...     "option": ["none", "deep", "out", "in"],
    ...     "score": [0, 8, 0, 4],
    ... })
    >>> parties = pd.DataFrame({"party": ["Port", "City"], "batna": [5, 3],
    ...                         "veto": [True, False]})
    >>> case = case_from_frames(scores, parties, name="harbour")
    >>> case
    <Case 'harbour': 2 parties, 2 issues, 4 packages, unanimity>
    >>> case.utilities({"dredging": "deep", "park": "in"})
    {'Port': 8, 'City': 4}

    Every problem is reported at once, with its row:

    >>> bad = scores.assign(score=[0, float("nan"), 0, "four"])
    >>> case_from_frames(bad, parties)
    Traceback (most recent call last):
    ...
    mutualgains.errors.CaseError: 2 problems in the case:
      scores[row 1].score: must be a finite number (got nan)
      scores[row 3].score: must be a number (got 'four')
    """
    problems: list[Problem] = []
    party_list = _parties_from_frame(parties, problems)
    known = {p.name for p in party_list}
    issue_list, table = _scores_from_frame(scores, known, issues, problems)

    if decision_rule is None:
        try:
            decision_rule = DecisionRule(min_parties=_attr(parties, "min_parties"))
        except CaseError as err:
            problems.extend(Problem(f"parties.attrs.{p.where.rsplit('.', 1)[-1]}", p.rule, p.got)
                            for p in err.problems)
            decision_rule = DecisionRule()
    kwargs: dict[str, Any] = {"decision_rule": decision_rule}
    for key, value in (("margin", margin), ("name", name), ("description", description)):
        value = _attr(parties, key) if value is None else value
        if value is not None:
            kwargs[key] = value
    return build_case(problems, party_list, issue_list, table, **kwargs)


def _parties_from_frame(frame: Any, problems: list[Problem]) -> list[Party]:
    columns = _columns(frame, "parties", _REQUIRED_PARTY_COLUMNS, ("weight", "veto"), problems)
    if columns is None or "party" not in columns:
        return []
    names = columns["party"]
    n = len(names)
    batnas = columns.get("batna", [0] * n)
    weights = columns.get("weight", [1] * n)
    vetoes = columns.get("veto", [False] * n)
    first: dict[str, int] = {}
    out: list[Party] = []
    for row, (name, batna, weight, veto) in enumerate(zip(names, batnas, weights, vetoes,
                                                         strict=True)):
        where = f"parties[row {row}]"
        ok = _label(name, f"{where}.party", problems)
        if ok and name in first:
            problems.append(Problem(f"{where}.party",
                                    f"duplicate party (first at row {first[name]})", show(name)))
            ok = False
        batna = number(batna, f"{where}.batna", problems)
        weight = number(weight, f"{where}.weight", problems)
        if weight is not None and weight < 0:
            problems.append(Problem(f"{where}.weight", "must be non-negative", show(weight)))
            weight = None
        if not isinstance(veto, bool):
            problems.append(Problem(f"{where}.veto", "must be true or false", show(veto)))
            veto = False
        if ok:
            first[name] = row
            # a stand-in with defaults where a value is bad, so its scores are still checked
            out.append(Party(name, batna=0 if batna is None else batna,
                             weight=1 if weight is None else weight, veto=veto))
    return out


def _scores_from_frame(
    frame: Any,
    known: set[str],
    issues: Mapping[str, Sequence[str]] | None,
    problems: list[Problem],
) -> tuple[list[Issue], dict[str, dict[str, dict[str, Any]]]]:
    """The issues and the ``party -> issue -> option -> score`` table."""
    fixed: dict[str, tuple[str, ...]] | None = None
    if issues is not None:
        fixed = {}
        if not isinstance(issues, Mapping):
            problems.append(Problem("issues", "must map issue names to lists of options",
                                    show(issues)))
        else:
            for issue, options in issues.items():
                if isinstance(options, str) or not isinstance(options, Sequence):
                    problems.append(Problem(f"issues.{issue}", "must be a list of option names",
                                            show(options)))
                    continue
                fixed[issue] = tuple(options)

    known_options = {issue: {o for o in options if isinstance(o, str)}
                     for issue, options in (fixed or {}).items()}
    order: dict[str, dict[str, None]] = {}  # issue -> options, by first appearance
    table: dict[str, dict[str, dict[str, Any]]] = {}
    columns = _columns(frame, "scores", SCORE_COLUMNS, (), problems)
    if columns is not None:
        n = len(frame)
        cols = [columns.get(c, [None] * n) for c in SCORE_COLUMNS]
        have = {c: c in columns for c in SCORE_COLUMNS}
        first: dict[tuple[str, str, str], int] = {}
        for row, (party, issue, option, score) in enumerate(zip(*cols, strict=True)):
            where = f"scores[row {row}]"
            party_ok = have["party"] and _label(party, f"{where}.party", problems)
            if party_ok and party not in known:
                problems.append(Problem(f"{where}.party",
                                        "unknown party (not in the parties table)", show(party)))
                party_ok = False
            issue_ok = have["issue"] and _label(issue, f"{where}.issue", problems)
            if issue_ok and fixed is not None and issue not in fixed:
                problems.append(Problem(f"{where}.issue",
                                        f"unknown issue (issues: {listing(fixed)})",
                                        show(issue)))
                issue_ok = False
            option_ok = have["option"] and _label(option, f"{where}.option", problems)
            if option_ok and issue_ok and fixed is not None and option not in known_options[issue]:
                problems.append(Problem(
                    f"{where}.option",
                    f"unknown option of {issue} (options: {listing(fixed[issue])})",
                    show(option)))
                option_ok = False
            points = number(score, f"{where}.score", problems) if have["score"] else None
            unique = True
            if all(isinstance(x, str) for x in (party, issue, option)):
                key = (party, issue, option)
                if key in first:
                    problems.append(Problem(
                        where, f"duplicate (party, issue, option) row (first at row {first[key]})",
                        f"{party}, {issue}, {option}"))
                    unique = False
                else:
                    first[key] = row
            if fixed is None and issue_ok and option_ok:
                order.setdefault(issue, {}).setdefault(option)
            if party_ok and issue_ok and option_ok and unique and points is not None:
                table.setdefault(party, {}).setdefault(issue, {})[option] = points

    if fixed is not None:
        issue_list = []
        for issue, options in fixed.items():
            try:
                issue_list.append(Issue(issue, options))
            except CaseError as err:
                problems.extend(err.problems)
        good = {i.name for i in issue_list}
        for scores in table.values():
            for issue in [i for i in scores if i not in good]:
                del scores[issue]
    else:
        issue_list = [Issue(issue, tuple(options)) for issue, options in order.items()]
    return issue_list, table


# ----------------------------------------------------------------- to frames


@validated(case=CASE)
def case_to_frames(case: Case) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The long score table and the parties table of ``case``.

    The inverse of :func:`case_from_frames`:
    ``case_from_frames(*case_to_frames(case)) == case`` for a case of parties, issues
    and scores. The tables hold nothing else: dependencies, costs, budgets, caps,
    transfers and phasing data are left out with an :class:`IncompleteFramesWarning`
    naming them.

    Parameters
    ----------
    case : Case

    Returns
    -------
    scores : DataFrame
        Columns ``party, issue, option, score``: every party x option row in
        case order, zeros included (so an option nobody scores keeps its place).
    parties : DataFrame
        Columns ``party, batna, weight, veto`` in case order. Its ``attrs``
        hold ``min_parties`` (None under unanimity), ``margin``, ``name`` and
        ``description``.

    Examples
    --------
    >>> from mutualgains.model import Case, DecisionRule, Issue, Party
    >>> case = Case([Party("A", batna=1, veto=True), Party("B", weight=2), Party("C")],
    ...             [Issue("i", ["x", "y"])], {"A": {"i": [2, 0]}},
    ...             decision_rule=DecisionRule(min_parties=2), name="tiny")
    >>> scores, parties = case_to_frames(case)
    >>> scores.head(3)
      party issue option  score
    0     A     i      x      2
    1     A     i      y      0
    2     B     i      x      0
    >>> parties
      party  batna  weight   veto
    0     A      1       1   True
    1     B      0       2  False
    2     C      0       1  False
    >>> parties.attrs
    {'min_parties': 2, 'margin': 0, 'name': 'tiny', 'description': ''}
    """
    left_out = _left_out(case)
    if left_out:
        warn(f"case_to_frames: the tables hold parties, issues and scores; "
             f"{', '.join(left_out)} of case {case.name!r} are left out, so "
             "case_from_frames will not give it back (case_to_excel and save_case "
             "keep everything)", IncompleteFramesWarning)
    rows = [
        (party, issue.name, option, value)
        for party in case.party_names
        for issue in case.issues
        for option, value in zip(issue.options, case.scores[party][issue.name], strict=True)
    ]
    scores = pd.DataFrame({
        "party": pd.Series([r[0] for r in rows], dtype=str),
        "issue": pd.Series([r[1] for r in rows], dtype=str),
        "option": pd.Series([r[2] for r in rows], dtype=str),
        "score": pd.Series([r[3] for r in rows], dtype=None if rows else float),
    })
    parties = pd.DataFrame({
        "party": pd.Series([p.name for p in case.parties], dtype=str),
        "batna": [p.batna for p in case.parties],
        "weight": [p.weight for p in case.parties],
        "veto": pd.Series([p.veto for p in case.parties], dtype=bool),
    })
    parties.attrs.update({
        "min_parties": case.decision_rule.min_parties,
        "margin": case.margin,
        "name": case.name,
        "description": case.description,
    })
    return scores, parties
