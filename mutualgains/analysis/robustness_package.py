"""A robust package: the best expected joint gain among packages that survive the
uncertainty, and what that robustness costs.

``method="chance"``: **sample average approximation** (SAA) of a chance-constrained
program. ``N = samples`` scenarios of every uncertain score and BATNA are drawn
(``uncertain_case(case).draw(numpy.random.default_rng(seed), N)``); a binary
``y[p, s]`` says that party ``p`` accepts in scenario ``s``::

    max  sum_p w_p (E[U_p(x)] - E[BATNA_p])         (exact expectations: means)
    s.t. U_p^s(x) >= BATNA_p^s + margin - M_ps (1 - y[p, s])     for every p, s
         sum_s y[p, s] >= ceil(q N)                  (chance="each": every party)
     or  r_s <= y[p, s] (veto p),  sum_p y[p, s] >= k r_s,  sum_s r_s >= ceil(q N)
                                                     (chance="rule": the rule passes)

with the package program's rows (one option per issue, dependencies, budget) and
``M_ps`` the tightest big-M (the threshold less the scenario's lowest utility;
scenarios in which a party accepts every package, or none, need no binary). It
is one integer program, solved exactly. SAA's guarantee is asymptotic: as ``N``
grows its optimal value and solutions converge to those of the true
chance-constrained program (Pagnoncelli, Ahmed & Shapiro 2009; Luedtke & Ahmed
2008 give sample sizes for which the SAA solution is feasible with high
confidence, sharper when ``q`` is raised in the sample). For a finite ``N`` the
package may accept with probability below ``q``: so its probabilities are
checked on ``validate`` fresh draws (:func:`acceptance`, exact where it can be).

``method="worst_case"``: the **robust counterpart** over the box of supports:
the decision rule must hold for every value of every uncertain number. A party's
worst case is its lower corner (scores at the bottom of their range, BATNA at the
top: Soyster 1973), so this is the package program with those numbers, and
exact. A number without a lower bound (an untruncated normal) can never be
guaranteed: the options whose score it is are excluded for a party that must
accept.

Both report the package with the best expected joint gain at the case's values
and the rule (:func:`mutualgains.solve`) beside the robust one: the difference of
their expected joint gains is the price of robustness. Utility caps are not
supported (their expectation is not linear).

Examples
--------
>>> from mutualgains.io.examples import load_example
>>> from mutualgains.model.noise import with_noise
>>> case = with_noise(load_example("harbour"), 0.1)
>>> robust = robust_package(case, q=0.9, samples=100, seed=1)
>>> robust.status.value, robust.expected_joint_gain, robust.nominal_expected_joint_gain
('optimal', 105, 114)
>>> round(robust.rule_probability, 3), round(robust.nominal_rule_probability, 3)
(0.941, 0.848)
>>> robust.cost   # expected joint gain given up for every party's 90 %
9
"""

from __future__ import annotations

import html
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

import numpy as np

from mutualgains.analysis.robustness_accept import Acceptance, acceptance
from mutualgains.analysis.robustness_sampling import (
    UncertainCase,
    synergy_bonus,
    uncertain_case,
)
from mutualgains.analysis.solve import solve
from mutualgains.engine.mip import check_limits
from mutualgains.engine.program import PackageProgram
from mutualgains.errors import UsageError
from mutualgains.model import Case
from mutualgains.params import (
    GAP,
    SOLVER,
    TIME_LIMIT,
    Choice,
    Instance,
    Integer,
    Real,
    validated,
)
from mutualgains.status import Status, outcome_status
from mutualgains.tolerance import TOLERANCE
from mutualgains.util import readonly, tidy

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["ROBUST_METHODS", "RobustPackage", "expected_joint_gain", "robust_package"]

ROBUST_METHODS = ("chance", "worst_case")
"""``method=`` of :func:`robust_package`."""


def expected_joint_gain(uc: UncertainCase, choice: Sequence[int]) -> float:
    """The weighted joint gain of a package at the expected scores and BATNAs.

    Exact: utilities are linear in the scores (no caps).

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> from mutualgains.model.noise import with_noise
    >>> uc = uncertain_case(with_noise(load_example("harbour"), 0.1))
    >>> expected_joint_gain(uc, (1, 2, 2, 0, 1))
    114.0
    """
    case = uc.case
    cols = [case.option_offsets[k] + c for k, c in enumerate(choice)]
    weights = np.array([float(p.weight) for p in case.parties])
    gains = uc.mean[:, cols].sum(axis=1) + synergy_bonus(case, choice) - uc.batna_mean
    return float(weights @ gains)


@dataclass(frozen=True)
class RobustPackage:
    """The result of :func:`robust_package`.

    Attributes
    ----------
    status : Status
        ``optimal`` (the program proven), ``feasible`` (a time limit or gap),
        ``no_agreement`` (no package meets the robustness requirement: with
        ``chance``, on these samples).
    method : str
        ``chance`` (SAA) or ``worst_case``.
    package : mapping or None
    expected_joint_gain : float or None
    acceptance : Acceptance or None
        Its probabilities, checked on fresh draws (exact where possible).
    in_sample : mapping
        Per party, the share of the SAA scenarios in which it accepts
        (``chance`` only).
    nominal_package, nominal_expected_joint_gain, nominal_acceptance
        The best package at the case's values (:func:`mutualgains.solve`, joint).
    cost : float or None
        ``nominal_expected_joint_gain - expected_joint_gain``: the price of robustness.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> from mutualgains.model.noise import with_noise
    >>> case = with_noise(load_example("harbour"), 0.1, shape="interval", batnas=True)
    >>> worst = robust_package(case, method="worst_case")
    >>> worst
    <RobustPackage worst_case optimal: expected joint gain 86, cost 28, passes 1>
    >>> worst.to_frame().columns.tolist()[:4]
    ['party', 'probability', 'nominal probability', 'in sample']
    """

    status: Status
    method: str
    q: float | None
    chance: str | None
    package: Mapping[str, str] | None
    expected_joint_gain: float | None
    acceptance: Acceptance | None
    in_sample: Mapping[str, float]
    expected_gains: Mapping[str, float]
    nominal_package: Mapping[str, str] | None
    nominal_expected_joint_gain: float | None
    nominal_acceptance: Acceptance | None
    nominal_expected_gains: Mapping[str, float]
    samples: int
    seed: int
    solver: str = ""
    seconds: float = 0.0
    gap: float | None = None
    message: str = ""
    case_name: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("package", "nominal_package", "in_sample", "expected_gains",
                     "nominal_expected_gains"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, readonly(value))

    @property
    def cost(self) -> float | None:
        """What robustness costs in expected joint gain."""
        if self.expected_joint_gain is None or self.nominal_expected_joint_gain is None:
            return None
        return tidy(self.nominal_expected_joint_gain - self.expected_joint_gain)

    @property
    def rule_probability(self) -> float | None:
        """The robust package's probability of passing (checked on fresh draws)."""
        return None if self.acceptance is None else self.acceptance.rule_probability

    @property
    def nominal_rule_probability(self) -> float | None:
        """The nominal best package's probability of passing."""
        return None if self.nominal_acceptance is None else \
            self.nominal_acceptance.rule_probability

    def to_frame(self) -> pd.DataFrame:
        """One row per party: probability (robust package), nominal probability, in sample,
        expected gain, nominal expected gain.

        Examples
        --------
        >>> from mutualgains.io.examples import load_example
        >>> from mutualgains.model.noise import with_noise
        >>> case = with_noise(load_example("harbour"), 0.1)
        >>> robust_package(case, samples=50).to_frame().shape
        (5, 6)
        """
        import pandas as pd

        names = list(self.expected_gains or self.nominal_expected_gains)
        mine = {} if self.acceptance is None else self.acceptance.probabilities
        theirs = {} if self.nominal_acceptance is None else self.nominal_acceptance.probabilities
        rows = [[p, mine.get(p, math.nan), theirs.get(p, math.nan),
                 self.in_sample.get(p, math.nan), self.expected_gains.get(p, math.nan),
                 self.nominal_expected_gains.get(p, math.nan)] for p in names]
        return pd.DataFrame(rows, columns=["party", "probability", "nominal probability",
                                           "in sample", "expected gain",
                                           "nominal expected gain"])

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data.

        Examples
        --------
        >>> from mutualgains.io.examples import load_example
        >>> from mutualgains.model.noise import with_noise
        >>> case = with_noise(load_example("harbour"), 0.1)
        >>> robust_package(case, samples=50)
        <RobustPackage chance optimal: expected joint gain ..., cost ..., passes ...>
        >>> sorted(robust_package(case, samples=50).to_dict())[:4]
        ['acceptance', 'chance', 'cost', 'expected_gains']
        """
        return {
            "status": self.status.value, "method": self.method, "q": self.q,
            "chance": self.chance,
            "package": None if self.package is None else dict(self.package),
            "expected_joint_gain": self.expected_joint_gain,
            "expected_gains": dict(self.expected_gains),
            "acceptance": None if self.acceptance is None else self.acceptance.to_dict(),
            "in_sample": dict(self.in_sample),
            "nominal_package": None if self.nominal_package is None
            else dict(self.nominal_package),
            "nominal_expected_joint_gain": self.nominal_expected_joint_gain,
            "nominal_expected_gains": dict(self.nominal_expected_gains),
            "nominal_acceptance": None if self.nominal_acceptance is None
            else self.nominal_acceptance.to_dict(),
            "cost": self.cost, "samples": self.samples, "seed": self.seed,
            "solver": self.solver, "seconds": self.seconds, "gap": self.gap,
            "message": self.message,
        }

    def __repr__(self) -> str:
        if self.package is None:
            return f"<RobustPackage {self.method} {self.status.value}>"
        return (f"<RobustPackage {self.method} {self.status.value}: expected joint gain "
                f"{self.expected_joint_gain:.6g}, cost {self.cost:.6g}, passes "
                f"{self.rule_probability:.4g}>")

    def _repr_html_(self) -> str:
        from mutualgains.display import html_table

        frame = self.to_frame()
        return (f"<div><p><b>{html.escape(repr(self)[1:-1])}</b></p>"
                + html_table(list(frame.columns), frame.values.tolist()) + "</div>")


# ------------------------------------------------------------------ programs


def _program(case: Case) -> PackageProgram:
    if np.isfinite(case.caps).any():
        raise UsageError("robust_package: not available for cases with utility caps (the "
                         "expected capped utility is not linear in the package)")
    case.require_no_contributions("robust_package")
    return PackageProgram(case, acceptance=False)


def _bonus_terms(program: PackageProgram, p: int) -> tuple[list[int], list[float]]:
    """The synergy terms of party ``p``'s utility (everything but the option binaries)."""
    options = set(program.x)
    idx, coef = program.utility_terms(p)
    keep = [(i, c) for i, c in zip(idx, coef, strict=True) if i not in options]
    return [i for i, _ in keep], [c for _, c in keep]


def _bonus_bounds(program: PackageProgram, p: int) -> tuple[float, float]:
    _, coef = _bonus_terms(program, p)
    return float(sum(min(0.0, c) for c in coef)), float(sum(max(0.0, c) for c in coef))


def _set_expected_objective(program: PackageProgram, uc: UncertainCase,
                            weights: np.ndarray) -> None:
    combined = weights @ uc.mean
    idx = [program.x[j] for j in np.flatnonzero(combined)]
    coef = combined[np.flatnonzero(combined)].tolist()
    for p in np.flatnonzero(weights):
        bi, bc = _bonus_terms(program, int(p))
        idx += bi
        coef += [weights[p] * c for c in bc]
    program.model.set_objective(idx, coef, constant=-float(weights @ uc.batna_mean))


def _chance_rows(program: PackageProgram, case: Case, scores: np.ndarray,
                 batnas: np.ndarray, q: float, chance: str) -> tuple[dict, bool]:
    """The scenario rows of the SAA program; returns the acceptance binaries per party and
    whether the requirement can hold at all."""
    model = program.model
    offs = case.option_offsets
    n_samples, n_parties, _ = scores.shape
    need = math.ceil(q * n_samples - 1e-9)
    margin = float(case.margin)
    blocks = [slice(offs[k], offs[k + 1]) for k in range(len(case.issues))]
    low = np.stack([scores[:, :, b].min(axis=2) for b in blocks]).sum(axis=0)  # (N, P)
    high = np.stack([scores[:, :, b].max(axis=2) for b in blocks]).sum(axis=0)
    rows = []
    binaries: dict[int, dict[int, int | bool]] = {}
    for p in range(n_parties):
        bonus_idx, bonus_coef = _bonus_terms(program, p)
        b_low, b_high = _bonus_bounds(program, p)
        binaries[p] = {}
        for s in range(n_samples):
            threshold = float(batnas[s, p]) + margin - TOLERANCE
            lowest, highest = float(low[s, p]) + b_low, float(high[s, p]) + b_high
            if lowest >= threshold:
                binaries[p][s] = True  # accepts every package in this scenario
                continue
            if highest < threshold:
                binaries[p][s] = False  # accepts none
                continue
            (y,) = model.add_variables(1, binary=True)
            big_m = threshold - lowest
            row = scores[s, p]
            nz = np.flatnonzero(row)
            rows.append(([*(program.x[j] for j in nz), *bonus_idx, y],
                         [*row[nz].tolist(), *bonus_coef, -big_m], ">=", threshold - big_m))
            binaries[p][s] = y
    possible = True
    if chance == "each":
        for p in range(n_parties):
            sure = sum(v is True for v in binaries[p].values())
            free = [v for v in binaries[p].values() if not isinstance(v, bool)]
            if sure + len(free) < need:
                possible = False
            elif need - sure > 0:
                rows.append((free, [1.0] * len(free), ">=", float(need - sure)))
    else:
        veto = [case.party_names.index(p) for p in case.veto_parties]
        passes = []
        for s in range(n_samples):
            flags = [binaries[p][s] for p in range(n_parties)]
            if any(flags[p] is False for p in veto) or \
                    sum(f is not False for f in flags) < case.min_parties:
                continue  # the rule cannot hold in this scenario
            (r,) = model.add_variables(1, binary=True)
            passes.append(r)
            rows += [([r, flags[p]], [1.0, -1.0], "<=", 0.0) for p in veto
                     if not isinstance(flags[p], bool)]
            free = [f for f in flags if not isinstance(f, bool)]
            sure = sum(f is True for f in flags)
            # sum of acceptances >= k r  <=>  sum(free) - (k - sure) r >= 0
            if case.min_parties - sure > 0:
                rows.append(([*free, r], [1.0] * len(free) + [-(case.min_parties - sure)],
                             ">=", 0.0))
        if len(passes) < need:
            possible = False
        else:
            rows.append((passes, [1.0] * len(passes), ">=", float(need)))
    model.add_rows(rows)
    return binaries, possible


def _worst_case_rows(program: PackageProgram, case: Case, uc: UncertainCase) -> bool:
    """The robust counterpart's acceptance rows; False when the rule can never hold."""
    model = program.model
    margin = float(case.margin)
    veto = set(case.veto_parties)
    rows = []
    accept: list[int | bool] = []  # per party: its acceptance binary, or True (always)
    offs = case.option_offsets
    for p, party in enumerate(case.parties):
        threshold = float(uc.batna_high[p]) + margin - TOLERANCE
        unbounded = np.flatnonzero(~np.isfinite(uc.low[p]))
        lows = np.where(np.isfinite(uc.low[p]), uc.low[p], 0.0)
        bonus_idx, bonus_coef = _bonus_terms(program, p)
        nz = np.flatnonzero(lows)
        idx = [*(program.x[j] for j in nz), *bonus_idx]
        coef = [*lows[nz].tolist(), *bonus_coef]
        lowest = sum(float(lows[offs[k]:offs[k + 1]].min()) for k in range(len(case.issues)))
        lowest += _bonus_bounds(program, p)[0]
        must = party.name in veto
        if not math.isfinite(threshold):
            if must:
                return False
            continue  # never guaranteed: it does not count
        if must:
            rows.append((idx, coef, ">=", threshold))
            rows += [([program.x[j]], [1.0], "<=", 0.0) for j in unbounded]
            continue
        big_m = threshold - lowest
        if big_m <= 0 and not len(unbounded):
            accept.append(True)
            continue
        (y,) = model.add_variables(1, binary=True)
        rows.append(([*idx, y], [*coef, -max(big_m, 0.0)], ">=", threshold - max(big_m, 0.0)))
        rows += [([program.x[j], y], [1.0, 1.0], "<=", 1.0) for j in unbounded]
        accept.append(y)
    if not case.decision_rule.is_unanimity:
        free = [y for y in accept if y is not True]
        need = case.min_parties - len(veto) - sum(y is True for y in accept)
        if need > len(free):
            return False
        if need > 0:
            rows.append((free, [1.0] * len(free), ">=", float(need)))
    model.add_rows(rows)
    return True


@validated(case=Instance(Case), q=Real(low=0, high=1), method=Choice(ROBUST_METHODS),
           chance=Choice(("each", "rule")), samples=Integer(low=1), seed=Integer(low=0),
           validate=Integer(low=1), solver=SOLVER, time_limit=TIME_LIMIT, gap=GAP)
def robust_package(case: Case, *, q: float = 0.9, method: str = "chance",
                   chance: str = "each", samples: int = 200, seed: int = 0,
                   validate: int = 10_000, solver: str = "highs",
                   time_limit: float | None = None, gap: float = 0.0) -> RobustPackage:
    """The package of best expected joint gain that survives the case's uncertainty.

    Parameters
    ----------
    case : Case
        With ``uncertainty`` (without, every package is as certain as the case).
    q : float, default 0.9
        ``chance``: the least probability of accepting (each party) or of passing
        (the rule).
    method : {"chance", "worst_case"}
        Sample average approximation of the chance constraints, or the exact
        robust counterpart over the supports (module notes).
    chance : {"each", "rule"}
        ``each``: every party accepts with probability at least ``q``; ``rule``:
        the decision rule passes with probability at least ``q``.
    samples, seed : int
        The SAA scenarios (``numpy.random.default_rng(seed)``).
    validate : int, default 10_000
        Fresh draws (seed ``seed + 1``) to check the probabilities of the robust
        and of the nominal package.
    solver, time_limit, gap
        As in :func:`mutualgains.solve`.

    Returns
    -------
    RobustPackage

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> from mutualgains.model.noise import with_noise
    >>> case = with_noise(load_example("harbour"), 0.1)
    >>> robust = robust_package(case, q=0.95, chance="rule", samples=100)
    >>> robust.in_sample["Port"] >= 0.95, robust.cost >= 0
    (True, True)
    """
    check_limits(time_limit, gap)
    started = time.perf_counter()
    program = _program(case)
    uc = uncertain_case(case)
    weights = np.array([float(p.weight) for p in case.parties])
    binaries: dict = {}
    if method == "chance":
        scores, batnas = uc.draw(np.random.default_rng(seed), samples)
        binaries, possible = _chance_rows(program, case, scores, batnas, q, chance)
    else:
        possible = _worst_case_rows(program, case, uc)
    _set_expected_objective(program, uc, weights)
    nominal = solve(case, "joint", solver=solver, time_limit=time_limit, gap=gap)
    base: _Common = {"method": method, "q": q if method == "chance" else None,
                     "chance": chance if method == "chance" else None,
                     "samples": samples if method == "chance" else 0, "seed": seed,
                     "case_name": case.name, "nominal_package": None,
                     "nominal_expected_joint_gain": None, "nominal_acceptance": None,
                     "nominal_expected_gains": {}}
    if nominal.package is not None:
        nominal_choice = case.package_indices(nominal.package)
        base["nominal_package"] = nominal.package
        base["nominal_expected_joint_gain"] = tidy(expected_joint_gain(uc, nominal_choice))
        base["nominal_acceptance"] = acceptance(case, nominal.package, samples=validate,
                                                seed=seed + 1)
        base["nominal_expected_gains"] = _expected_gains(uc, nominal_choice)
    none: _NoPackage = {"package": None, "expected_joint_gain": None, "acceptance": None,
                        "in_sample": {}, "expected_gains": {}}
    if not possible:
        return RobustPackage(status=Status.NO_AGREEMENT, **none, **base,
                             seconds=time.perf_counter() - started,
                             message="no package can meet the robustness requirement")
    out = program.solve(solver=solver, time_limit=time_limit, gap=gap)
    if out.status not in (Status.OPTIMAL, Status.FEASIBLE):
        status = outcome_status(out.status)
        return RobustPackage(status=status, **none, **base, solver=out.solver,
                             seconds=time.perf_counter() - started,
                             message="no package meets the robustness requirement"
                             + (" on these samples" if method == "chance" else "")
                             if status == Status.NO_AGREEMENT else "")
    choice = program.choice(out.solution)
    package = case.package_from_indices(choice)
    in_sample = {}
    if method == "chance":
        in_sample = {name: float(np.mean([
            v if isinstance(v, bool) else out.solution[v] > 0.5
            for v in binaries[p].values()])) for p, name in enumerate(case.party_names)}
    checked = acceptance(case, package, samples=validate, seed=seed + 1)
    note = ""
    if method == "chance" and chance == "each" and min(checked.probabilities.values()) < q:
        note = "on fresh draws some party accepts with probability below q (SAA with " \
               f"{samples} samples): more samples, or a higher q in the sample, help"
    elif method == "chance" and chance == "rule" and checked.rule_probability < q:
        note = f"on fresh draws the rule passes with probability below q (SAA with " \
               f"{samples} samples): more samples, or a higher q in the sample, help"
    return RobustPackage(status=out.status, package=package,
                         expected_joint_gain=tidy(expected_joint_gain(uc, choice)),
                         acceptance=checked, in_sample=in_sample,
                         expected_gains=_expected_gains(uc, choice), **base,
                         solver=out.solver, seconds=time.perf_counter() - started,
                         gap=out.gap, message=note)


class _Common(TypedDict):
    """The fields of a :class:`RobustPackage` that do not depend on its package."""

    method: str
    q: float | None
    chance: str | None
    samples: int
    seed: int
    case_name: str
    nominal_package: Mapping[str, str] | None
    nominal_expected_joint_gain: float | None
    nominal_acceptance: Acceptance | None
    nominal_expected_gains: Mapping[str, float]


class _NoPackage(TypedDict):
    """The package fields of a :class:`RobustPackage` without a package."""

    package: None
    expected_joint_gain: None
    acceptance: None
    in_sample: Mapping[str, float]
    expected_gains: Mapping[str, float]


def _expected_gains(uc: UncertainCase, choice: Sequence[int]) -> dict[str, float]:
    case = uc.case
    cols = [case.option_offsets[k] + c for k, c in enumerate(choice)]
    gains = uc.mean[:, cols].sum(axis=1) + synergy_bonus(case, choice) - uc.batna_mean
    return {p: tidy(float(g)) for p, g in zip(case.party_names, gains, strict=True)}
