"""The k best packages, each different enough from the ones before it.

Step 2 of the method: show the group many good packages, not one. Each
package found is cut off with a no-good row (the next package must differ
from it in at least ``min_difference`` issues) and the objective is solved
again, so the list is exactly the best packages in order.

Examples
--------
>>> from mutualgains import alternatives
>>> from mutualgains.io.examples import load_example
>>> found = alternatives(load_example("harbour"), 3)
>>> [r.objective_value for r in found]
[114, 112, 105]
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd

from mutualgains.analysis.solve import OBJECTIVES, solve_with
from mutualgains.engine.program import PackageProgram
from mutualgains.errors import UsageError
from mutualgains.model import Case
from mutualgains.model.arguments import CASE
from mutualgains.params import GAP, PROGRESS, SOLVER, TIME_LIMIT, Choice, Integer, validated
from mutualgains.progress import ProgressArg, track
from mutualgains.results import SolveResult
from mutualgains.status import Status

__all__ = ["Alternatives", "alternatives"]


@dataclass(frozen=True)
class Alternatives:
    """The result of :func:`alternatives`: ranked packages.

    Attributes
    ----------
    results : tuple of SolveResult
        Best first.
    status : str
        ``complete`` (k packages found), ``exhausted`` (fewer exist) or the
        status of the solve that stopped the search (``time_limit`` ...).

    Examples
    --------
    >>> from mutualgains import alternatives
    >>> from mutualgains.io.examples import load_example
    >>> found = alternatives(load_example("harbour"), 2)
    >>> found
    <Alternatives 2 of 2 by joint (complete): 114, 112>
    >>> found[1].package["compensation"]
    '450 million'
    """

    results: tuple[SolveResult, ...]
    objective: str
    k: int
    min_difference: int
    status: str
    case_name: str = ""

    def __len__(self) -> int:
        return len(self.results)

    def __iter__(self) -> Iterator[SolveResult]:
        return iter(self.results)

    def __getitem__(self, i: int) -> SolveResult:
        return self.results[i]

    def to_frame(self) -> pd.DataFrame:
        """One row per package: rank, objective value, each party's gain, the options.

        Examples
        --------
        >>> from mutualgains import alternatives
        >>> from mutualgains.io.examples import load_example
        >>> alternatives(load_example("harbour"), 2).to_frame().iloc[:, :3]
           rank  objective_value  gain Port
        0     1              114          4
        1     2              112          0
        """
        rows = []
        for rank, r in enumerate(self.results, start=1):
            assert r.package is not None  # every alternative is a package
            rows.append({"rank": rank, "objective_value": r.objective_value,
                         **{f"gain {p}": g for p, g in r.gains.items()}, **r.package})
        return pd.DataFrame(rows)

    def to_dict(self) -> dict:
        """Plain JSON-ready data: status, objective and every package's result.

        Examples
        --------
        >>> from mutualgains import alternatives
        >>> from mutualgains.io.examples import load_example
        >>> data = alternatives(load_example("harbour"), 2).to_dict()
        >>> data["status"], [p["objective_value"] for p in data["packages"]]
        ('complete', [114, 112])
        """
        return {"status": self.status, "objective": self.objective, "k": self.k,
                "min_difference": self.min_difference,
                "packages": [r.to_dict() for r in self.results]}

    def __repr__(self) -> str:
        values = ", ".join(f"{r.objective_value:.6g}" for r in self.results[:5])
        more = ", ..." if len(self.results) > 5 else ""
        return (f"<Alternatives {len(self.results)} of {self.k} by {self.objective} "
                f"({self.status}): {values}{more}>")

    def _repr_html_(self) -> str:
        from mutualgains.display import block_html, frame_html

        return block_html(repr(self)[1:-1], frame_html(self.to_frame()))


@validated(case=CASE, k=Integer(low=1), objective=Choice(OBJECTIVES),
           min_difference=Integer(low=1), solver=SOLVER, time_limit=TIME_LIMIT, gap=GAP,
           progress=PROGRESS)
def alternatives(
    case: Case,
    k: int,
    *,
    objective: str = "joint",
    min_difference: int = 1,
    solver: str = "highs",
    time_limit: float | None = None,
    gap: float = 0.0,
    progress: ProgressArg = False,
) -> Alternatives:
    """The ``k`` best packages that pass, each differing from all earlier ones.

    Parameters
    ----------
    case : Case
    k : int
        How many packages.
    objective : str, default "joint"
        As in :func:`mutualgains.solve`.
    min_difference : int, default 1
        Each package differs from every earlier one in at least this many
        issues (1: simply distinct; more: a diverse set).
    solver, time_limit, gap
        As in :func:`mutualgains.solve`; ``time_limit`` is per package.
    progress : bool or callable, default False
        Report each package found: ``progress(found, k)``, or ``True`` for a
        bar; see :mod:`mutualgains.progress`.

    Examples
    --------
    >>> from mutualgains import alternatives
    >>> from mutualgains.io.examples import load_example
    >>> diverse = alternatives(load_example("harbour"), 3, min_difference=3)
    >>> [r.objective_value for r in diverse]
    [114, 92, 75]
    """
    if min_difference > max(1, len(case.issues)):
        raise UsageError(f"alternatives: min_difference must be at most the number of issues "
                         f"({len(case.issues)}) (got {min_difference!r})")
    found: list[SolveResult] = []
    chosen: list[tuple[int, ...]] = []
    status = "complete"

    def cut(program: PackageProgram) -> None:
        program.model.add_rows(program.no_good(c, min_difference) for c in chosen)

    with track(progress, "alternatives", total=k, unit="package") as tracker:
        for _ in range(k):
            result = solve_with(case, objective, setup=cut, solver=solver,
                                time_limit=time_limit, gap=gap)
            if result.status is Status.NO_AGREEMENT:
                status = "exhausted"
                break
            if result.package is None:
                status = result.status.value
                break
            found.append(result)
            chosen.append(case.package_indices(result.package))
            tracker.advance()
            if result.status is not Status.OPTIMAL:
                status = result.status.value
                break
    return Alternatives(results=tuple(found), objective=objective, k=k,
                        min_difference=min_difference, status=status, case_name=case.name)
