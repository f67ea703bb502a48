"""mutualgains: find agreements in which every party gains.

Examples
--------
>>> import mutualgains as mg
>>> case = mg.load_example("harbour")
>>> mg.solve(case).status.value
'optimal'
"""

from mutualgains.analysis.agenda import AgendaValue, agenda_value, count_passing
from mutualgains.analysis.alternatives import Alternatives, alternatives
from mutualgains.analysis.compensation import Compensation, compensate
from mutualgains.analysis.explain import Explanation, explain
from mutualgains.analysis.frontier import Frontier, pareto_frontier
from mutualgains.analysis.improve import amend, check_amendment, improve
from mutualgains.analysis.logrolling import concessions, trades
from mutualgains.analysis.solve import OBJECTIVES, solve
from mutualgains.errors import CaseError, MutualGainsError, Problem, SolverError, UsageError
from mutualgains.io.casefile import load_case, save_case
from mutualgains.io.examples import load_example
from mutualgains.io.excel import case_from_excel, case_to_excel, copy_template
from mutualgains.io.genius import read_genius
from mutualgains.io.scorable import read_scorable, read_scorable_deal
from mutualgains.model import Case, DecisionRule, Issue, Party
from mutualgains.model.relations import Excludes, Precedes, Requires, Synergy
from mutualgains.phasing import PhaseResult, phase
from mutualgains.results import SolveResult
from mutualgains.status import Status
from mutualgains.tolerance import TOLERANCE

__version__ = "0.1.0"

__all__ = [
    "OBJECTIVES",
    "TOLERANCE",
    "AgendaValue",
    "Alternatives",
    "Case",
    "CaseError",
    "Compensation",
    "DecisionRule",
    "Excludes",
    "Explanation",
    "Frontier",
    "Issue",
    "MutualGainsError",
    "Party",
    "PhaseResult",
    "Precedes",
    "Problem",
    "Requires",
    "SolveResult",
    "SolverError",
    "Status",
    "Synergy",
    "UsageError",
    "agenda_value",
    "alternatives",
    "amend",
    "case_from_excel",
    "case_to_excel",
    "check_amendment",
    "compensate",
    "concessions",
    "copy_template",
    "count_passing",
    "explain",
    "improve",
    "load_case",
    "load_example",
    "pareto_frontier",
    "phase",
    "read_genius",
    "read_scorable",
    "read_scorable_deal",
    "save_case",
    "solve",
    "trades",
]
