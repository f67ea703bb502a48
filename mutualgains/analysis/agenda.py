"""The value of widening the agenda: what an issue or an option adds to the table.

Step 1 of the method defines the theme broadly, to enlarge the pie. For an
issue, the case *without* it is the case in which that issue is not
negotiated: it stays at its status quo (``out`` for a project, otherwise its
first option). For an option, the case without it is the case in which that
option cannot be chosen. :func:`agenda_value` compares the two: the best joint
gain over packages that pass, the number of packages that pass (counted
exactly when the case has at most ``count_limit`` packages), and whether a deal
exists at all. Called without an item, it ranks every issue.

Examples
--------
>>> from mutualgains import agenda_value
>>> from mutualgains.io.examples import load_example
>>> value = agenda_value(load_example("harbour"), "loan", status_quo={"loan": "none"})
>>> value.joint_with, value.joint_without, value.packages_with, value.packages_without
(114, None, 115, 0)
>>> value.deal_without  # without the loan on the table, no package passes
False
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mutualgains.analysis.solve import solve
from mutualgains.errors import CaseError, UsageError
from mutualgains.model import Case, Issue
from mutualgains.model.arguments import CASE
from mutualgains.model.relations import DependencyWarning, Requires, option_label
from mutualgains.params import SOLVER, AnyOf, Instance, Integer, Maybe, Names, Text, validated

__all__ = ["AgendaValue", "agenda_value", "count_passing", "package_blocks"]


@dataclass(frozen=True)
class AgendaValue:
    """What one issue or option adds: the case with it against the case without it.

    Attributes
    ----------
    item : str
        The issue name, or ``issue=option``.
    status_quo : str or None
        For an issue: the option it keeps when not negotiated.
    joint_with, joint_without : float or None
        Best joint gain over packages that pass (``None``: no deal).
    packages_with, packages_without : int or None
        How many packages pass (``None`` when not counted).

    Examples
    --------
    >>> from mutualgains import agenda_value
    >>> from mutualgains.io.examples import load_example
    >>> agenda_value(load_example("harbour"), "ecology")
    <AgendaValue ecology: joint 82 -> 114, packages 39 -> 115>
    """

    item: str
    status_quo: str | None
    joint_with: float | None
    joint_without: float | None
    packages_with: int | None
    packages_without: int | None

    @property
    def deal_with(self) -> bool:
        """Whether a deal exists with the item on the agenda."""
        return self.joint_with is not None

    @property
    def deal_without(self) -> bool:
        """Whether a deal exists without it."""
        return self.joint_without is not None

    @property
    def added_joint_gain(self) -> float | None:
        """Best joint gain with minus without (``None`` when either has no deal)."""
        if self.joint_with is None or self.joint_without is None:
            return None
        return self.joint_with - self.joint_without

    def to_frame(self) -> pd.DataFrame:
        """One row with every figure.

        Examples
        --------
        >>> from mutualgains import agenda_value
        >>> from mutualgains.io.examples import load_example
        >>> agenda_value(load_example("harbour"), "loan").to_frame().columns.tolist()[:4]
        ['item', 'status_quo', 'joint_with', 'joint_without']
        """
        return pd.DataFrame([self._row()])

    def _row(self) -> dict:
        return {"item": self.item, "status_quo": self.status_quo,
                "joint_with": self.joint_with, "joint_without": self.joint_without,
                "added_joint_gain": self.added_joint_gain, "packages_with": self.packages_with,
                "packages_without": self.packages_without, "deal_with": self.deal_with,
                "deal_without": self.deal_without}

    def _repr_html_(self) -> str:
        from mutualgains.display import block_html, frame_html

        return block_html(repr(self)[1:-1], frame_html(self.to_frame(), index=False))

    def __repr__(self) -> str:
        return (f"<AgendaValue {self.item}: joint {self.joint_without} -> {self.joint_with}, "
                f"packages {self.packages_without} -> {self.packages_with}>")


@validated(case=CASE, limit=Integer(low=0))
def count_passing(case: Case, *, limit: int = 200_000) -> int | None:
    """How many packages pass the decision rule (``None`` beyond ``limit`` packages).

    Packages are enumerated in blocks with NumPy; dependencies, synergies and
    caps count. Money (contributions, transfers) does not: a package counts when
    it passes on its scores.

    Examples
    --------
    >>> from mutualgains import count_passing
    >>> from mutualgains.io.examples import load_example
    >>> count_passing(load_example("harbour"))
    115
    """
    if case.n_packages > limit:
        return None
    return int(sum(passes.sum() for _, passes in package_blocks(case)))


def package_blocks(case: Case, block: int = 50_000) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Every package's utilities and whether it passes, in blocks of ``block`` packages.

    Yields ``(utilities, passes)``: arrays ``(packages, parties)`` and ``(packages,)``,
    packages in lexicographic order of option positions.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> utilities, passes = next(package_blocks(load_example("harbour")))
    >>> utilities.shape, int(passes.sum())
    ((432, 5), 115)
    """
    total = case.n_packages
    sizes = [len(i.options) for i in case.issues]
    threshold = case.batnas + float(case.margin) - 1e-6
    for start in range(0, total, block):
        rows = np.arange(start, min(total, start + block))
        choices = np.stack(np.unravel_index(rows, sizes), axis=1) if sizes else \
            np.zeros((len(rows), 0), dtype=int)
        u = case.utility_rows(choices)
        yield u, case.rule_holds(u >= threshold) & _feasible(case, choices)


def _feasible(case: Case, choices: np.ndarray) -> np.ndarray:
    position = {i.name: k for k, i in enumerate(case.issues)}

    def chosen(issue: str, options: Sequence[str]) -> np.ndarray:
        k = position[issue]
        allowed = [j for j, o in enumerate(case.issues[k].options) if o in options]
        return np.isin(choices[:, k], allowed)

    ok = np.ones(len(choices), dtype=bool)
    for r in case.requires:
        need = np.ones(len(choices), dtype=bool)
        for issue, options in r.needs.items():
            need &= chosen(issue, options)
        ok &= ~chosen(r.option[0], (r.option[1],)) | need
    for e in case.excludes:
        ok &= ~(chosen(e.a[0], (e.a[1],)) & chosen(e.b[0], (e.b[1],)))
    if case.total_budget is not None:
        ok &= case.cost_vector[choices + np.array(case.option_offsets[:-1])].sum(axis=1) \
            <= case.total_budget + 1e-9
    return ok


def _default_status_quo(issue: Issue) -> str:
    """The option an issue keeps when it is not negotiated: ``out``, else the first."""
    return "out" if "out" in issue.options else issue.options[0]


def _without_issue(case: Case, name: str, keep: str) -> Case | None:
    issue = case.issue(name)
    return _without_options(case, [(name, o) for o in issue.options if o != keep])


def _without_options(case: Case, refs: list[tuple[str, str]]) -> Case | None:
    """The case with ``refs`` ruled out (each option requires its own issue's other options)."""
    extra = []
    for issue, option in refs:
        others = [o for o in case.issue(issue).options if o != option]
        if not others:
            raise UsageError(f"option: {option_label((issue, option))} is the only option of "
                             f"its issue; it cannot be left out")
        extra.append(Requires((issue, option), {issue: tuple(others)}))
    return _replace_requires(case, (*case.requires, *extra))


def _replace_requires(case: Case, requires: tuple[Requires, ...]) -> Case | None:
    """The case with ``requires``; None when they leave no package at all."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DependencyWarning)  # ruling out is the point here
        try:
            return dataclasses.replace(case, requires=tuple(requires))
        except CaseError:  # the original case is valid: the added rows rule everything out
            return None


@validated(case=CASE, item=Maybe(AnyOf((Text(), Instance(Mapping, label="{issue: option}"),
                                          Names(min_length=2)))),
           status_quo=Maybe(Instance(Mapping, label="a mapping of issue -> option")),
           count_limit=Integer(low=0), solver=SOLVER)
def agenda_value(case: Case, item: str | Mapping[str, str] | tuple[str, str] | None = None, *,
                 status_quo: Mapping[str, str] | None = None, count_limit: int = 200_000,
                 solver: str = "highs") -> AgendaValue | pd.DataFrame:
    """What an issue or an option adds to the agenda; without ``item``, rank every issue.

    Parameters
    ----------
    case : Case
    item : str, {issue: option} or (issue, option), optional
        An issue name, or one option. ``None`` ranks every issue by the joint
        gain it adds (then by the packages it adds).
    status_quo : mapping issue -> option, optional
        The option an issue keeps when it is not negotiated, where the default
        (``out``, else the first option) does not fit.
    count_limit : int, default 200_000
        Count passing packages exactly up to this many packages.
    solver : str, default "highs"

    Returns
    -------
    AgendaValue, or a DataFrame (one row per issue, best first) when ``item`` is None.

    Examples
    --------
    >>> from mutualgains import agenda_value
    >>> from mutualgains.io.examples import load_example
    >>> ranking = agenda_value(load_example("harbour"), status_quo={"loan": "none"})
    >>> ranking[["item", "added_joint_gain", "packages_without"]].head(3)
             item  added_joint_gain  packages_without
    0        loan               NaN                 0
    1     ecology              32.0                39
    2  employment              28.0                33
    >>> agenda_value(load_example("harbour"), {"ecology": "improve"}).added_joint_gain
    13
    """
    quo = dict(status_quo or {})
    for issue, option in quo.items():
        if issue not in case.issue_names or option not in case.issue(issue).options:
            raise UsageError(f"status_quo: unknown option {issue}={option}")
    if item is None:
        rows = []
        for i in case.issues:
            value = agenda_value(case, i.name, status_quo=quo, count_limit=count_limit,
                                 solver=solver)
            assert isinstance(value, AgendaValue)  # one item: its value, not a ranking
            rows.append(value._row())
        frame = pd.DataFrame(rows)
        key = frame["added_joint_gain"].fillna(np.inf * frame["deal_with"].map(
            {True: 1, False: -1}))
        order = sorted(range(len(frame)), key=lambda k: (-key[k], -(frame["packages_with"][k]
                                                                   or 0)))
        return frame.iloc[order].reset_index(drop=True)
    if isinstance(item, str):
        if item not in case.issue_names:
            raise UsageError(f"item: unknown issue {item!r} (issues: "
                             f"{', '.join(case.issue_names)})")
        keep = quo.get(item) or _default_status_quo(case.issue(item))
        without = _without_issue(case, item, keep)
        label, kept = item, keep
    else:
        ref = tuple(next(iter(item.items()))) if isinstance(item, Mapping) else tuple(item)
        if len(ref) != 2 or ref[0] not in case.issue_names or ref[1] not in case.issue(
                ref[0]).options:
            raise UsageError(f"item: unknown option {item!r}")
        without = _without_options(case, [ref])
        label, kept = option_label(ref), None
    return AgendaValue(label, kept, _joint(case, solver), _joint(without, solver),
                       count_passing(case, limit=count_limit),
                       0 if without is None else count_passing(without, limit=count_limit))


def _joint(case: Case | None, solver: str) -> float | None:
    if case is None:
        return None
    result = solve(case, "joint", solver=solver)
    return result.objective_value if result.package is not None else None

