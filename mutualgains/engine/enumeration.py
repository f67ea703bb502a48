"""Every package of a small case that passes, by enumeration (no solver).

For questions that are hard for an integer program but easy over an explicit
list (the most diverse ``k`` offers, the package nearest a hyperplane), a case
with at most :data:`MAX_PACKAGES` packages is enumerated in blocks: utilities with
:meth:`~mutualgains.model.case.Case.utility_rows` (synergies and caps included),
the requires and excludes relations, each party's acceptance and the decision
rule, all vectorised.

Examples
--------
>>> from mutualgains.io.examples import load_example
>>> table = passing_packages(load_example("harbour"))
>>> table.choices.shape, table.utilities.shape
((115, 5), (115, 5))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mutualgains.model import Case
from mutualgains.tolerance import TOLERANCE

__all__ = ["MAX_PACKAGES", "PackageTable", "feasible_rows", "passing_packages"]

MAX_PACKAGES = 1_000_000
"""The most packages :func:`passing_packages` enumerates."""

_BLOCK = 1 << 16


@dataclass(frozen=True)
class PackageTable:
    """Packages (option positions per issue) in enumeration order, with utilities.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> len(passing_packages(load_example("harbour")))
    115
    """

    choices: np.ndarray  # (n, issues) int
    utilities: np.ndarray  # (n, parties) float

    def __len__(self) -> int:
        return len(self.choices)


def feasible_rows(case: Case, choices: np.ndarray) -> np.ndarray:
    """Whether each package (a row of option positions) respects the requires and excludes.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> feasible_rows(load_example("harbour"), np.zeros((2, 5), dtype=int)).tolist()
    [True, True]
    """
    choices = np.asarray(choices, dtype=np.int64).reshape(-1, len(case.issues))
    position = {name: k for k, name in enumerate(case.issue_names)}
    ok = np.ones(len(choices), dtype=bool)

    def chosen(ref: tuple[str, str]) -> np.ndarray:
        k = position[ref[0]]
        return choices[:, k] == case.issues[k].index(ref[1])

    for r in case.requires:
        met = np.ones(len(choices), dtype=bool)
        for issue, options in r.needs.items():
            k = position[issue]
            allowed = [case.issues[k].index(o) for o in options]
            met &= np.isin(choices[:, k], allowed)
        ok &= ~chosen(r.option) | met
    for e in case.excludes:
        ok &= ~(chosen(e.a) & chosen(e.b))
    return ok


def passing_packages(case: Case, *, limit: int = MAX_PACKAGES) -> PackageTable | None:
    """Every package that respects the dependencies and passes the decision rule.

    Returns ``None`` when the case has more than ``limit`` packages.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> case = load_example("harbour")
    >>> table = passing_packages(case)
    >>> all(case.passes(case.package_from_indices(c)) for c in table.choices)
    True
    >>> passing_packages(case, limit=100) is None
    True
    """
    total = case.n_packages
    if total > limit:
        return None
    sizes = [len(i.options) for i in case.issues]
    threshold = case.batnas + float(case.margin) - TOLERANCE
    kept_choices, kept_utilities = [], []
    for start in range(0, total, _BLOCK):
        rows = np.arange(start, min(total, start + _BLOCK))
        choices = (np.stack(np.unravel_index(rows, sizes), axis=1) if sizes
                   else np.zeros((len(rows), 0), dtype=np.int64))
        u = case.utility_rows(choices)
        ok = feasible_rows(case, choices) & case.rule_holds(u >= threshold)
        kept_choices.append(choices[ok])
        kept_utilities.append(u[ok])
    return PackageTable(np.concatenate(kept_choices).astype(np.int64),
                        np.concatenate(kept_utilities))

