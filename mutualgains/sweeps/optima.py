"""How often each package is the best when the uncertain scores and BATNAs are drawn.

Each sample draws every uncertain number once (a ``sample`` scenario) and solves
the drawn case for the objective; the packages are counted. This is SMAA's first
rank acceptability over the whole package space (rather than over a list of
candidates, :func:`~mutualgains.analysis.robustness_rank.rank_acceptability`),
and, as a sweep, it runs on a local pool or a Dask cluster and resumes from
``out``. Samples in which no package passes are counted as ``no agreement``.
Ties between packages are broken as :func:`mutualgains.solve` breaks them.

Examples
--------
>>> from mutualgains.io.examples import load_example
>>> from mutualgains.model.noise import with_noise
>>> optima = sampled_optima(with_noise(load_example("harbour"), 0.1), 40, seed=1)
>>> optima
<SampledOptima 40 samples, joint: 9 packages, the first in 0.475>
>>> optima.to_frame()[["count", "share"]].head(2)
   count  share
0     19  0.475
1      ...
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mutualgains.analysis.robustness_accept import wilson_interval
from mutualgains.errors import UsageError
from mutualgains.model import Case
from mutualgains.model.arguments import CASE
from mutualgains.params import (
    PROGRESS,
    Choice,
    FilePath,
    Integer,
    Maybe,
    Real,
    Text,
    validated,
)
from mutualgains.sweeps.executors import EXECUTOR
from mutualgains.sweeps.run import SweepResult, sweep
from mutualgains.sweeps.scenarios import sampled_scenarios

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["SampledOptima", "sampled_optima"]

_OBJECTIVES = ("joint", "egalitarian", "ks", "leximin", "nash")


@dataclass(frozen=True, eq=False)
class SampledOptima:
    """The result of :func:`sampled_optima`.

    Attributes
    ----------
    packages : tuple of (package, count)
        Each package that was the best in some sample, most often first (then
        by the first sample it won).
    no_agreement, failed : int
        Samples without a passing package, and samples that failed.
    samples : int
    sweep : SweepResult
        The per-sample rows.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> from mutualgains.model.noise import with_noise
    >>> optima = sampled_optima(with_noise(load_example("harbour"), 0.1), 20)
    >>> sum(count for _, count in optima.packages) + optima.no_agreement == 20
    True
    """

    packages: tuple[tuple[Mapping[str, str], int], ...]
    no_agreement: int
    failed: int
    samples: int
    objective: str
    confidence: float
    issue_names: tuple[str, ...]
    sweep: SweepResult

    def share_of(self, package: Mapping[str, str]) -> float:
        """The share of samples in which ``package`` was the best.

        Examples
        --------
        >>> from mutualgains.io.examples import load_example
        >>> from mutualgains.model.noise import with_noise
        >>> optima = sampled_optima(with_noise(load_example("harbour"), 0.1), 10)
        >>> optima.share_of(dict(optima.packages[0][0])) == optima.packages[0][1] / 10
        True
        """
        wanted = dict(package)
        for chosen, count in self.packages:
            if dict(chosen) == wanted:
                return count / self.samples
        return 0.0

    def to_frame(self) -> pd.DataFrame:
        """One row per package: the options, count, share and its Wilson interval.

        Examples
        --------
        >>> from mutualgains.io.examples import load_example
        >>> from mutualgains.model.noise import with_noise
        >>> frame = sampled_optima(with_noise(load_example("harbour"), 0.1), 10).to_frame()
        >>> frame.columns.tolist()[-4:]
        ['count', 'share', 'low', 'high']
        """
        import pandas as pd

        rows = []
        for package, count in self.packages:
            low, high = wilson_interval(count, self.samples, self.confidence)
            rows.append({**package, "count": count, "share": count / self.samples,
                         "low": low, "high": high})
        return pd.DataFrame(rows, columns=[*self.issue_names, "count", "share", "low",
                                           "high"])

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data.

        Examples
        --------
        >>> from mutualgains.io.examples import load_example
        >>> from mutualgains.model.noise import with_noise
        >>> sorted(sampled_optima(with_noise(load_example("harbour"), 0.1), 5).to_dict())
        ['failed', 'no_agreement', 'objective', 'packages', 'samples', 'sweep']
        """
        return {"samples": self.samples, "objective": self.objective,
                "no_agreement": self.no_agreement, "failed": self.failed,
                "packages": [{"package": dict(p), "count": c, "share": c / self.samples}
                             for p, c in self.packages],
                "sweep": self.sweep.to_dict()}

    def __repr__(self) -> str:
        first = f", the first in {self.packages[0][1] / self.samples:.3g}" if self.packages \
            else ""
        return (f"<SampledOptima {self.samples} samples, {self.objective}: "
                f"{len(self.packages)} packages{first}>")

    def _repr_html_(self) -> str:
        from mutualgains.display import html_table

        frame = self.to_frame()
        return (f"<div><p><b>{html.escape(repr(self)[1:-1])}</b></p>"
                + html_table(list(frame.columns), frame.values.tolist()) + "</div>")


@validated(case=CASE, samples=Integer(low=1), objective=Choice(_OBJECTIVES),
           seed=Integer(low=0), confidence=Real(low=0, high=1, strict=True), executor=EXECUTOR,
           workers=Maybe(Integer(low=1)), scheduler=Maybe(Text()), out=Maybe(FilePath()),
           progress=PROGRESS)
def sampled_optima(case: Case, samples: int = 1000, *, objective: str = "joint",
                   seed: int = 0, confidence: float = 0.95, executor: Any = None,
                   workers: int | None = None, scheduler: str | None = None, out: Any = None,
                   progress: bool | Callable[[int, int | None], None] | None = None,
                   ) -> SampledOptima:
    """Solve ``samples`` draws of the case and count how often each package is the best.

    Parameters
    ----------
    case : Case
        With ``uncertainty``.
    samples : int, default 1000
    objective : str, default "joint"
        As in :func:`mutualgains.solve`.
    seed, executor, workers, scheduler, out, progress
        As in :func:`mutualgains.sweeps.sweep` (the draws depend on ``seed`` and the
        sample's number only).
    confidence : float, default 0.95
        Of the shares' Wilson intervals.

    Raises
    ------
    UsageError
        For a case without uncertainty.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> from mutualgains.model.noise import with_noise
    >>> optima = sampled_optima(with_noise(load_example("harbour"), 0.1), 10,
    ...                         objective="egalitarian")
    >>> optima.objective, optima.failed
    ('egalitarian', 0)
    """
    if case.uncertainty is None or case.uncertainty.is_empty:
        raise UsageError("sampled_optima: the case states no uncertainty to draw from "
                         "(see mutualgains.model.noise.with_noise)")
    if not 0 < confidence < 1:
        raise UsageError(f"sampled_optima: confidence must be between 0 and 1, got "
                         f"{confidence!r}")
    result = sweep(case, list(sampled_scenarios(samples)), "solve", executor,
                   workers=workers, scheduler=scheduler, options={"objective": objective},
                   seed=seed, out=out, progress=progress)
    frame = result.frame
    columns = [f"option {i}" for i in case.issue_names]
    counts: dict[tuple, int] = {}
    no_agreement = failed = 0
    for _, row in frame.iterrows():
        if not bool(row["ok"]):
            failed += 1
        elif row.get("status") not in ("optimal", "feasible"):
            no_agreement += 1
        else:
            key = tuple(row[c] for c in columns)
            counts[key] = counts.get(key, 0) + 1
    order = sorted(counts, key=lambda k: -counts[k])  # stable: first won first among ties
    packages = tuple((dict(zip(case.issue_names, key, strict=True)), counts[key])
                     for key in order)
    return SampledOptima(packages=packages, no_agreement=no_agreement, failed=failed,
                         samples=len(frame.drop_duplicates("scenario")) if not frame.empty
                         else 0, objective=objective, confidence=confidence,
                         issue_names=case.issue_names, sweep=result)
