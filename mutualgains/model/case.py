"""The case model: parties, issues with options, scores and a decision rule.

A :class:`Case` is validated once, on construction, and is immutable afterwards.
Every problem is reported at once in a :class:`~mutualgains.errors.CaseError`,
each naming its place (``scores.SportCo.ecology``).

Examples
--------
>>> from mutualgains.model import Case, Issue, Party
>>> case = Case(
...     parties=[Party("Port", batna=5), Party("City", batna=3)],
...     issues=[Issue("dredging", ("none", "deep")), Issue("park", ("out", "in"))],
...     scores={"Port": {"dredging": [0, 8], "park": [1, 0]},
...             "City": {"dredging": {"deep": 2}, "park": {"in": 4}}},
... )
>>> case.utilities({"dredging": "deep", "park": "in"})
{'Port': 8, 'City': 6}
>>> case.passes({"dredging": "deep", "park": "in"})
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

from mutualgains.errors import CaseError, Problem
from mutualgains.model import relations as deps
from mutualgains.model.money import Transfers
from mutualgains.model.phasing import Phasing
from mutualgains.model.relations import Excludes, Precedes, Requires, Synergy
from mutualgains.model.uncertainty import Uncertainty
from mutualgains.model.values import (
    DecisionRule,
    Issue,
    Number,
    Package,
    Party,
    raise_problems,
)
from mutualgains.tolerance import TOLERANCE
from mutualgains.util import listing, show

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

__all__ = ["Case"]


def _position(issue: Issue, option: Any) -> int | None:
    """The position of ``option`` among the options of ``issue``, or None."""
    try:
        return issue.positions.get(option)
    except TypeError:  # unhashable: no option
        return None


# ------------------------------------------------------------------------ case


@dataclass(frozen=True)
class Case:
    """A negotiation case: parties, issues, scores and a decision rule.

    Parameters
    ----------
    parties : iterable of Party
        The parties, in a fixed order used by every result.
    issues : iterable of Issue
        The issues, in order.
    scores : mapping
        ``party -> issue -> scores``, where the scores of an issue are either a
        mapping ``option -> points`` (missing options score 0) or a sequence of
        points in option order. Missing parties and issues score 0.
    decision_rule : DecisionRule, optional
        Default: every party must accept. Veto parties named here and parties
        with ``veto=True`` are merged; both views are kept consistent.
    margin : float, default 0
        A party accepts when its utility is at least ``batna + margin``.
    name : str, default "case"
        A title for displays.
    description : str, default ""
        Free text.
    requires, excludes, synergy, precedes : sequences, optional
        Dependencies between options; see :mod:`mutualgains.model.relations`.
    costs : mapping, optional
        ``issue -> option -> cost`` (or a list in option order) of choosing an
        option; parties with a ``budget`` contribute to them
        (see :mod:`mutualgains.model.money`).
    total_budget : float, optional
        The chosen options may cost at most this in all.
    transfers : Transfers, optional
        Side payments that may be made between parties.
    phasing : Phasing, optional
        Realisation data: periods, budget per period, project durations and
        cost profiles (see :mod:`mutualgains.model.phasing`).
    uncertainty : Uncertainty, optional
        How uncertain the scores and BATNAs are: intervals, distributions or
        noise per score, issue or party (see :mod:`mutualgains.model.uncertainty`).
    controls : mapping, optional
        ``party -> issues`` the party controls, for the coalition games of
        :mod:`mutualgains.analysis.coalitions`: a coalition sets an issue only
        when it includes every party that lists it; otherwise the issue stays at
        its first option (the status quo). Issues nobody lists are open to all.

    Raises
    ------
    CaseError
        With every problem found, each naming its place.

    Examples
    --------
    >>> case = Case([Party("A", batna=1), Party("B", batna=1)],
    ...             [Issue("i", ["x", "y"])],
    ...             {"A": {"i": [2, 0]}, "B": {"i": [0, 2]}})
    >>> case.n_packages, case.passes({"i": "x"})
    (2, False)
    """

    parties: tuple[Party, ...]
    issues: tuple[Issue, ...]
    scores: Mapping[str, Mapping[str, tuple[Number, ...]]]
    decision_rule: DecisionRule = field(default_factory=DecisionRule, kw_only=True)
    margin: Number = field(default=0, kw_only=True)
    name: str = field(default="case", kw_only=True)
    description: str = field(default="", kw_only=True)
    requires: tuple[Requires, ...] = field(default=(), kw_only=True)
    excludes: tuple[Excludes, ...] = field(default=(), kw_only=True)
    synergy: tuple[Synergy, ...] = field(default=(), kw_only=True)
    precedes: tuple[Precedes, ...] = field(default=(), kw_only=True)
    costs: Mapping[str, tuple[Number, ...]] = field(default_factory=dict, kw_only=True)
    total_budget: Number | None = field(default=None, kw_only=True)
    transfers: Transfers | None = field(default=None, kw_only=True)
    phasing: Phasing | None = field(default=None, kw_only=True)
    uncertainty: Uncertainty | None = field(default=None, kw_only=True)
    controls: Mapping[str, tuple[str, ...]] = field(default_factory=dict, kw_only=True)

    def __post_init__(self) -> None:
        from mutualgains.model.validate import case_problems

        raise_problems(case_problems(self))

    # ----------------------------------------------------------------- lookups

    @cached_property
    def party_names(self) -> tuple[str, ...]:
        """Party names, in case order."""
        return tuple(p.name for p in self.parties)

    @cached_property
    def issue_names(self) -> tuple[str, ...]:
        """Issue names, in case order."""
        return tuple(i.name for i in self.issues)

    def party(self, name: str) -> Party:
        """The party called ``name``."""
        return self.parties[self._party_index(name)]

    def issue(self, name: str) -> Issue:
        """The issue called ``name``."""
        try:
            return self.issues[self._issue_index[name]]
        except (KeyError, TypeError):
            raise CaseError([Problem(f"issues.{name}", "unknown issue", show(name))]) from None

    def _party_index(self, name: str) -> int:
        try:
            return self._party_positions[name]
        except (KeyError, TypeError):
            raise CaseError([Problem(f"parties.{name}", "unknown party", show(name))]) from None

    @cached_property
    def _issue_index(self) -> Mapping[str, int]:
        return MappingProxyType({name: k for k, name in enumerate(self.issue_names)})

    @cached_property
    def _party_positions(self) -> Mapping[str, int]:
        return MappingProxyType({name: k for k, name in enumerate(self.party_names)})

    @property
    def veto_parties(self) -> tuple[str, ...]:
        """Names of the parties that must accept every package."""
        if self.decision_rule.is_unanimity:
            return self.party_names
        return self.decision_rule.veto

    @property
    def min_parties(self) -> int:
        """How many parties must accept (the number of parties under unanimity)."""
        k = self.decision_rule.min_parties
        return len(self.parties) if k is None else k

    def threshold(self, party: str) -> float:
        """The least utility ``party`` accepts: its BATNA plus the case margin."""
        return self.party(party).batna + self.margin

    @property
    def n_packages(self) -> int:
        """Number of packages (product of the issues' option counts)."""
        return math.prod(len(i.options) for i in self.issues)

    def score(self, party: str, issue: str, option: str) -> Number:
        """Points ``party`` gets when ``option`` is chosen on ``issue``."""
        self._party_index(party)
        k = _position(self.issue(issue), option)
        if k is None:
            raise CaseError([Problem(f"issues.{issue}", "unknown option", show(option))])
        return self.scores[party][issue][k]

    # ---------------------------------------------------------------- packages

    def package_indices(self, package: Package | Sequence[str]) -> tuple[int, ...]:
        """Validate ``package`` and return the chosen option position per issue.

        Parameters
        ----------
        package : mapping or sequence
            ``issue -> option`` for every issue, or option names in issue order.

        Raises
        ------
        CaseError
            Naming each unknown issue or option and each missing issue.

        Examples
        --------
        >>> from mutualgains.io.examples import load_example
        >>> case = load_example("harbour")
        >>> case.package_indices(["water", "maintain", "2:1 quota", "2 billion", "300 million"])
        (0, 1, 1, 1, 2)
        """
        problems: list[Problem] = []
        if isinstance(package, Mapping):
            items = dict(package)
            known = self._issue_index
            for name in items:
                if not isinstance(name, str) or name not in known:
                    problems.append(Problem(f"package.{name}", "unknown issue", show(name)))
            choice = [items.get(i.name) for i in self.issues]
        elif isinstance(package, Sequence) and not isinstance(package, str):
            if len(package) != len(self.issues):
                problems.append(Problem(
                    "package", f"must name {len(self.issues)} options, one per issue",
                    f"{len(package)}"))
            choice = list(package)[: len(self.issues)] + [None] * (len(self.issues) - len(package))
        else:
            raise CaseError([Problem("package", "must map issue names to option names",
                                     show(package))])
        indices: list[int] = []
        for issue, option in zip(self.issues, choice, strict=True):
            k = None if option is None else _position(issue, option)
            if option is None:
                problems.append(Problem(f"package.{issue.name}", "missing option for this issue"))
            elif k is None:
                problems.append(Problem(f"package.{issue.name}",
                                        f"unknown option (options: {listing(issue.options)})",
                                        show(option)))
            else:
                indices.append(k)
        raise_problems(problems)
        return tuple(indices)

    def package_from_indices(self, indices: Sequence[int]) -> dict[str, str]:
        """The package ``issue -> option`` for option positions ``indices``."""
        return {i.name: i.options[k] for i, k in zip(self.issues, indices, strict=True)}

    def utilities(self, package: Package | Sequence[str]) -> dict[str, Number]:
        """Each party's utility: its scores plus synergy bonuses, capped at its ``cap``."""
        idx = self.package_indices(package)
        out = {}
        for party in self.parties:
            p = party.name
            u = sum(self.scores[p][i.name][k] for i, k in zip(self.issues, idx, strict=True))
            for s, masks in zip(self.synergy, self._conditions, strict=True):
                if p in s.bonus and all(mask[idx[i]] for i, mask in masks):
                    u += s.bonus[p]
            out[p] = u if party.cap is None else min(u, party.cap)
        return out

    def utility_vector(self, choice: Sequence[int]) -> np.ndarray:
        """Utilities as a float array in party order, for option positions ``choice``."""
        offs = self.option_offsets
        u = self.score_matrix[:, [offs[k] + c for k, c in enumerate(choice)]].sum(axis=1)
        for masks, bonus in self.synergy_table:
            if all(mask[choice[i]] for i, mask in masks):
                u = u + bonus
        return np.minimum(u, self.caps)

    def utility_rows(self, choices: np.ndarray) -> np.ndarray:
        """:meth:`utility_vector` for many packages: ``choices`` is ``(packages, issues)``.

        Examples
        --------
        >>> from mutualgains.io.examples import load_example
        >>> case = load_example("harbour")
        >>> rows = np.array([[0, 0, 0, 0, 0], [1, 2, 0, 3, 1]])
        >>> bool((case.utility_rows(rows)[1] == case.utility_vector(rows[1])).all())
        True
        """
        choices = np.asarray(choices, dtype=np.int64)
        if self.issues:
            choices = choices.reshape(-1, len(self.issues))
        else:  # the one package of a case without issues (a flat vector is one package)
            choices = choices.reshape(choices.shape[0] if choices.ndim >= 2 else 1, 0)
        offsets = np.asarray(self.option_offsets[:-1], dtype=np.int64)
        u = self.score_matrix[:, choices + offsets].sum(axis=2).T
        for masks, bonus in self.synergy_table:
            holds = np.ones(len(choices), dtype=bool)
            for k, mask in masks:
                holds &= np.asarray(mask)[choices[:, k]]
            u = u + np.outer(holds, bonus)
        return np.minimum(u, self.caps)

    def rule_holds(self, accepts: np.ndarray) -> np.ndarray:
        """Whether each row of ``accepts`` (packages x parties, bool) passes the decision rule.

        Examples
        --------
        >>> from mutualgains.io.examples import load_example
        >>> case = load_example("harbour")  # 4 of 5, Port and City with a veto
        >>> case.rule_holds(np.array([[True] * 4 + [False], [True, False] + [True] * 3])).tolist()
        [True, False]
        """
        accepts = np.asarray(accepts, dtype=bool).reshape(-1, len(self.parties))
        veto = [self._party_positions[p] for p in self.veto_parties]
        return (accepts.sum(axis=1) >= self.min_parties) & accepts[:, veto].all(axis=1)

    def violations(self, package: Package | Sequence[str]) -> list[str]:
        """The ``requires`` and ``excludes`` relations that ``package`` breaks."""
        return deps.violations(self, self.package_indices(package))

    def dependency_graph(self) -> nx.MultiDiGraph:
        """Options and their dependencies as a ``networkx`` graph.

        See :func:`mutualgains.model.relations.dependency_graph`.
        """
        return deps.dependency_graph(self)

    @property
    def has_dependencies(self) -> bool:
        """Whether the case has any requires, excludes or synergy relation."""
        return bool(self.requires or self.excludes or self.synergy)

    def ruled_out(self) -> dict[tuple[str, str], str]:
        """Options no package can contain because of the dependencies, with the reason.

        See :func:`mutualgains.model.relations.ruled_out`.
        """
        return deps.ruled_out(self)

    @cached_property
    def _conditions(self) -> tuple[list, ...]:
        return tuple(deps.condition_masks(self.issues, s.when) for s in self.synergy)

    @cached_property
    def synergy_table(self) -> list[tuple[list, np.ndarray]]:
        """Each synergy as ``(condition masks, bonus per party)``: the masks are
        ``(issue position, allowed-option mask)`` pairs, the bonus an array in party order.

        Examples
        --------
        >>> from mutualgains.model import Case, Issue, Party, Synergy
        >>> case = Case([Party("A"), Party("B")], [Issue("i", ["x", "y"])], {},
        ...             synergy=[Synergy({"i": "y"}, {"B": 3})])
        >>> [(masks, bonus.tolist()) for masks, bonus in case.synergy_table]
        [([(0, (False, True))], [0.0, 3.0])]
        """
        index = {p: k for k, p in enumerate(self.party_names)}
        table = []
        for s, masks in zip(self.synergy, self._conditions, strict=True):
            bonus = np.zeros(len(self.parties))
            for p, v in s.bonus.items():
                bonus[index[p]] = v
            table.append((masks, bonus))
        return table

    @cached_property
    def caps(self) -> np.ndarray:
        """Utility ceilings in party order (``inf`` where there is none)."""
        out = np.array([np.inf if p.cap is None else float(p.cap) for p in self.parties])
        out.flags.writeable = False
        return out

    @cached_property
    def utility_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Each party's least and most utility over all packages, in party order.

        Bounds, not always attained: every issue's worst (best) option, every synergy
        penalty (bonus) counted, the relations between options ignored, caps applied.

        Examples
        --------
        >>> from mutualgains.model import Case, Issue, Party, Synergy
        >>> case = Case([Party("A", cap=9), Party("B")], [Issue("i", ["x", "y"])],
        ...             {"A": {"i": [1, 8]}, "B": {"i": [2, 0]}},
        ...             synergy=[Synergy({"i": "y"}, {"A": 3, "B": -1})])
        >>> [bound.tolist() for bound in case.utility_bounds]
        [[1.0, -1.0], [9.0, 2.0]]
        """
        offs = self.option_offsets
        rows = range(len(self.parties))
        issues = range(len(self.issues))
        low = np.array([sum(float(self.score_matrix[p, offs[k]:offs[k + 1]].min())
                            for k in issues) for p in rows])
        high = np.array([sum(float(self.score_matrix[p, offs[k]:offs[k + 1]].max())
                             for k in issues) for p in rows])
        for _, bonus in self.synergy_table:
            low = low + np.minimum(bonus, 0.0)
            high = high + np.maximum(bonus, 0.0)
        low, high = np.minimum(low, self.caps), np.minimum(high, self.caps)
        low.flags.writeable = high.flags.writeable = False
        return low, high

    def gains(self, package: Package | Sequence[str]) -> dict[str, float]:
        """Each party's gain: utility minus BATNA."""
        return {p: u - self.party(p).batna for p, u in self.utilities(package).items()}

    def accepts(self, package: Package | Sequence[str]) -> dict[str, bool]:
        """Whether each party accepts ``package`` (utility at least its threshold)."""
        return {
            p: u >= self.threshold(p) - TOLERANCE for p, u in self.utilities(package).items()
        }

    def passes(self, package: Package | Sequence[str]) -> bool:
        """Whether ``package`` respects the dependencies and passes the decision rule."""
        if self.violations(package):
            return False
        acc = self.accepts(package)
        return sum(acc.values()) >= self.min_parties and all(acc[p] for p in self.veto_parties)

    # ----------------------------------------------------------- array access

    @cached_property
    def option_offsets(self) -> tuple[int, ...]:
        """Start of each issue's options in the flat option order (plus the total)."""
        offsets = [0]
        for issue in self.issues:
            offsets.append(offsets[-1] + len(issue.options))
        return tuple(offsets)

    @cached_property
    def score_matrix(self) -> np.ndarray:
        """Scores as a read-only ``parties x options`` float array (options flattened)."""
        rows = [
            [float(v) for i in self.issue_names for v in self.scores[p][i]]
            for p in self.party_names
        ]
        matrix = np.array(rows, dtype=float).reshape(len(self.parties), self.option_offsets[-1])
        matrix.flags.writeable = False
        return matrix

    @cached_property
    def cost_vector(self) -> np.ndarray:
        """Option costs as a read-only float array in flat option order (0 without cost)."""
        out = np.zeros(self.option_offsets[-1])
        for k, issue in enumerate(self.issues):
            if issue.name in self.costs:
                start = self.option_offsets[k]
                out[start:start + len(issue.options)] = self.costs[issue.name]
        out.flags.writeable = False
        return out

    @property
    def has_contributions(self) -> bool:
        """Whether chosen options' costs are paid by parties with a budget."""
        return bool(self.costs) and any(p.budget is not None for p in self.parties)

    def require_no_contributions(self, what: str) -> None:
        """Raise :class:`~mutualgains.errors.UsageError` when ``what`` cannot handle
        contributions to costs yet (their utilities depend on who pays)."""
        if self.has_contributions:
            from mutualgains.errors import UsageError

            raise UsageError(f"{what}: not available yet for cases whose option costs are paid "
                             "by parties with a budget (solve, alternatives and compensate are)")

    @cached_property
    def batnas(self) -> np.ndarray:
        """BATNAs as a read-only float array in party order."""
        out = np.array([float(p.batna) for p in self.parties])
        out.flags.writeable = False
        return out

    # ------------------------------------------------------------ conversions

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Case:
        """Build a case from plain data in the case-file format (design §4).

        Examples
        --------
        >>> case = Case.from_dict({
        ...     "parties": {"A": {"batna": 1}, "B": {}},
        ...     "issues": {"i": ["x", "y"]},
        ...     "scores": {"A": {"i": {"x": 3}}},
        ... })
        >>> case.utilities({"i": "x"})
        {'A': 3, 'B': 0}
        """
        from mutualgains.model.convert import case_from_dict

        return case_from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        """Plain data in the case-file format; ``Case.from_dict(c.to_dict()) == c``.

        Examples
        --------
        >>> from mutualgains.io.examples import load_example
        >>> case = load_example("harbour")
        >>> Case.from_dict(case.to_dict()) == case
        True
        """
        from mutualgains.model.convert import case_to_dict

        return case_to_dict(self)

    # ---------------------------------------------------------------- display

    def __repr__(self) -> str:
        rule = "unanimity" if self.decision_rule.is_unanimity else (
            f"{self.min_parties} of {len(self.parties)}"
            + (f", veto {', '.join(self.decision_rule.veto)}" if self.decision_rule.veto else "")
        )
        return (
            f"<Case {self.name!r}: {len(self.parties)} parties, {len(self.issues)} issues, "
            f"{self.n_packages:,} packages, {rule}>"
        )

    def _repr_html_(self) -> str:
        from mutualgains.display import case_html

        return case_html(self)
