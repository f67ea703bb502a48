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
    "Game": "mutualgains.analysis.games",
    "amend": "mutualgains.analysis.improve",
    "check_amendment": "mutualgains.analysis.improve",
    "improve": "mutualgains.analysis.improve",
    "concessions": "mutualgains.analysis.logrolling",
    "trades": "mutualgains.analysis.logrolling",
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
    "save_case": "mutualgains.io.casefile",
    "load_example": "mutualgains.io.examples",
    "case_from_excel": "mutualgains.io.excel",
    "case_to_excel": "mutualgains.io.excel",
    "copy_template": "mutualgains.io.excel",
    "case_from_frames": "mutualgains.io.frames",
    "case_to_frames": "mutualgains.io.frames",
    "read_genius": "mutualgains.io.genius",
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
    "PhaseResult": "mutualgains.phasing",
    "phase": "mutualgains.phasing",
    "SolveResult": "mutualgains.results",
    "Status": "mutualgains.status",
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
    from mutualgains.analysis.logrolling import concessions, trades
    from mutualgains.analysis.nucleolus import nucleolus
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
    from mutualgains.io.frames import case_from_frames, case_to_frames
    from mutualgains.io.genius import read_genius
    from mutualgains.io.scorable import read_scorable, read_scorable_deal
    from mutualgains.model import (
        Case,
        DecisionRule,
        Excludes,
        Issue,
        Party,
        Precedes,
        Requires,
        Synergy,
    )
    from mutualgains.phasing import PhaseResult, phase
    from mutualgains.results import SolveResult
    from mutualgains.status import Status
    from mutualgains.tolerance import TOLERANCE
