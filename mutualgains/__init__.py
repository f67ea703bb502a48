"""mutualgains: find agreements in which every party gains.

Every public name is importable from here; each is loaded on first use, so that
``import mutualgains`` stays quick (numpy, pandas, networkx and PuLP are imported by
the parts that need them).

Examples
--------
>>> import mutualgains as mg
>>> case = mg.load_example("harbour")
>>> mg.solve(case).status.value
'optimal'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> the module that is its home
_HOMES: dict[str, str] = {
    "AgendaValue": "mutualgains.analysis.agenda",
    "agenda_value": "mutualgains.analysis.agenda",
    "count_passing": "mutualgains.analysis.agenda",
    "Allocation": "mutualgains.analysis.allocation",
    "Settlement": "mutualgains.analysis.allocation",
    "Alternatives": "mutualgains.analysis.alternatives",
    "alternatives": "mutualgains.analysis.alternatives",
    "cost_game": "mutualgains.analysis.coalitions",
    "gains_game": "mutualgains.analysis.coalitions",
    "Compensation": "mutualgains.analysis.compensation",
    "compensate": "mutualgains.analysis.compensation",
    "least_core": "mutualgains.analysis.core",
    "stability": "mutualgains.analysis.core",
    "Explanation": "mutualgains.analysis.explain",
    "explain": "mutualgains.analysis.explain",
    "Frontier": "mutualgains.analysis.frontier",
    "pareto_frontier": "mutualgains.analysis.frontier",
    "Acceptance": "mutualgains.analysis.robustness_accept",
    "Importance": "mutualgains.analysis.robustness_accept",
    "acceptance": "mutualgains.analysis.robustness_accept",
    "importance": "mutualgains.analysis.robustness_accept",
    "RobustPackage": "mutualgains.analysis.robustness_package",
    "robust_package": "mutualgains.analysis.robustness_package",
    "StabilityRadius": "mutualgains.analysis.robustness_radius",
    "stability_radius": "mutualgains.analysis.robustness_radius",
    "RankAcceptability": "mutualgains.analysis.robustness_rank",
    "rank_acceptability": "mutualgains.analysis.robustness_rank",
    "Game": "mutualgains.analysis.games",
    "amend": "mutualgains.analysis.improve",
    "check_amendment": "mutualgains.analysis.improve",
    "improve": "mutualgains.analysis.improve",
    "LearnedPriorities": "mutualgains.analysis.learning",
    "learn_priorities": "mutualgains.analysis.learning",
    "concessions": "mutualgains.analysis.logrolling",
    "trades": "mutualgains.analysis.logrolling",
    "Offers": "mutualgains.analysis.offers",
    "equivalent_offers": "mutualgains.analysis.offers",
    "mediator_offers": "mutualgains.analysis.offers",
    "DealReview": "mutualgains.analysis.review",
    "review_deal": "mutualgains.analysis.review",
    "nucleolus": "mutualgains.analysis.nucleolus",
    "scrb": "mutualgains.analysis.scrb",
    "shapley": "mutualgains.analysis.shapley",
    "ShareComparison": "mutualgains.analysis.sharing",
    "allocate": "mutualgains.analysis.sharing",
    "compare_shares": "mutualgains.analysis.sharing",
    "settle": "mutualgains.analysis.sharing",
    "share": "mutualgains.analysis.sharing",
    "OBJECTIVES": "mutualgains.analysis.solve",
    "solve": "mutualgains.analysis.solve",
    "CaseError": "mutualgains.errors",
    "MutualGainsError": "mutualgains.errors",
    "Problem": "mutualgains.errors",
    "SolverError": "mutualgains.errors",
    "UsageError": "mutualgains.errors",
    "load_case": "mutualgains.io.casefile",
    "Export": "mutualgains.io.export",
    "LossyConversionWarning": "mutualgains.io.export",
    "UtilityMap": "mutualgains.io.export",
    "save_case": "mutualgains.io.casefile",
    "load_example": "mutualgains.io.examples",
    "case_from_excel": "mutualgains.io.excel",
    "case_to_excel": "mutualgains.io.excel",
    "copy_template": "mutualgains.io.excel",
    "case_from_frames": "mutualgains.io.frames",
    "case_to_frames": "mutualgains.io.frames",
    "read_genius": "mutualgains.io.genius",
    "write_genius": "mutualgains.io.genius.writer",
    "read_geniusweb": "mutualgains.io.geniusweb",
    "write_geniusweb": "mutualgains.io.geniusweb",
    "to_negmas": "mutualgains.io.negmas",
    "read_scorable": "mutualgains.io.scorable",
    "read_scorable_deal": "mutualgains.io.scorable",
    "Case": "mutualgains.model",
    "DecisionRule": "mutualgains.model",
    "Issue": "mutualgains.model",
    "Party": "mutualgains.model",
    "Excludes": "mutualgains.model",
    "Precedes": "mutualgains.model",
    "Requires": "mutualgains.model",
    "Synergy": "mutualgains.model",
    "Interval": "mutualgains.model",
    "Noise": "mutualgains.model",
    "Normal": "mutualgains.model",
    "Triangular": "mutualgains.model",
    "Uncertainty": "mutualgains.model",
    "Uniform": "mutualgains.model",
    "with_noise": "mutualgains.model",
    "PhaseResult": "mutualgains.phasing",
    "phase": "mutualgains.phasing",
    "SolveResult": "mutualgains.results",
    "Status": "mutualgains.status",
    "SampledOptima": "mutualgains.sweeps",
    "SweepResult": "mutualgains.sweeps",
    "grid_scenarios": "mutualgains.sweeps",
    "sampled_optima": "mutualgains.sweeps",
    "sampled_scenarios": "mutualgains.sweeps",
    "sweep": "mutualgains.sweeps",
    "TOLERANCE": "mutualgains.tolerance",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'mutualgains' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})


if TYPE_CHECKING:  # pragma: no cover - what type checkers and IDEs see
    from mutualgains.analysis.agenda import AgendaValue, agenda_value, count_passing
    from mutualgains.analysis.allocation import Allocation, Settlement
    from mutualgains.analysis.alternatives import Alternatives, alternatives
    from mutualgains.analysis.coalitions import cost_game, gains_game
    from mutualgains.analysis.compensation import Compensation, compensate
    from mutualgains.analysis.core import least_core, stability
    from mutualgains.analysis.explain import Explanation, explain
    from mutualgains.analysis.frontier import Frontier, pareto_frontier
    from mutualgains.analysis.games import Game
    from mutualgains.analysis.improve import amend, check_amendment, improve
    from mutualgains.analysis.learning import LearnedPriorities, learn_priorities
    from mutualgains.analysis.logrolling import concessions, trades
    from mutualgains.analysis.nucleolus import nucleolus
    from mutualgains.analysis.offers import Offers, equivalent_offers, mediator_offers
    from mutualgains.analysis.review import DealReview, review_deal
    from mutualgains.analysis.robustness_accept import (
        Acceptance,
        Importance,
        acceptance,
        importance,
    )
    from mutualgains.analysis.robustness_package import RobustPackage, robust_package
    from mutualgains.analysis.robustness_radius import StabilityRadius, stability_radius
    from mutualgains.analysis.robustness_rank import RankAcceptability, rank_acceptability
    from mutualgains.analysis.scrb import scrb
    from mutualgains.analysis.shapley import shapley
    from mutualgains.analysis.sharing import (
        ShareComparison,
        allocate,
        compare_shares,
        settle,
        share,
    )
    from mutualgains.analysis.solve import OBJECTIVES, solve
    from mutualgains.errors import CaseError, MutualGainsError, Problem, SolverError, UsageError
    from mutualgains.io.casefile import load_case, save_case
    from mutualgains.io.examples import load_example
    from mutualgains.io.excel import case_from_excel, case_to_excel, copy_template
    from mutualgains.io.export import Export, LossyConversionWarning, UtilityMap
    from mutualgains.io.frames import case_from_frames, case_to_frames
    from mutualgains.io.genius import read_genius
    from mutualgains.io.genius.writer import write_genius
    from mutualgains.io.geniusweb import read_geniusweb, write_geniusweb
    from mutualgains.io.negmas import to_negmas
    from mutualgains.io.scorable import read_scorable, read_scorable_deal
    from mutualgains.model import (
        Case,
        DecisionRule,
        Excludes,
        Interval,
        Issue,
        Noise,
        Normal,
        Party,
        Precedes,
        Requires,
        Synergy,
        Triangular,
        Uncertainty,
        Uniform,
        with_noise,
    )
    from mutualgains.phasing import PhaseResult, phase
    from mutualgains.results import SolveResult
    from mutualgains.status import Status
    from mutualgains.sweeps import (
        SampledOptima,
        SweepResult,
        grid_scenarios,
        sampled_optima,
        sampled_scenarios,
        sweep,
    )
    from mutualgains.tolerance import TOLERANCE
