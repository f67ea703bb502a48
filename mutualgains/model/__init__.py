"""The case model: parties, issues, scores, decision rules, relations, money and phasing data.

Every object here is a frozen value, validated on construction; a
:class:`~mutualgains.errors.CaseError` lists every problem found, each naming its place.
Uncertainty about scores and BATNAs is data here too (:mod:`mutualgains.model.uncertainty`).
This layer knows nothing of solvers, files or plots.
"""

from mutualgains.model.case import Case
from mutualgains.model.money import Transfers
from mutualgains.model.noise import with_noise
from mutualgains.model.phasing import Phasing, Project
from mutualgains.model.relations import DependencyWarning, Excludes, Precedes, Requires, Synergy
from mutualgains.model.uncertainty import (
    Interval,
    Noise,
    Normal,
    Triangular,
    Uncertainty,
    Uniform,
)
from mutualgains.model.values import DecisionRule, Issue, Number, Package, Party

__all__ = ["Case", "DecisionRule", "DependencyWarning", "Excludes", "Interval", "Issue", "Noise",
           "Normal", "Number", "Package", "Party", "Phasing", "Precedes", "Project", "Requires",
           "Synergy", "Transfers", "Triangular", "Uncertainty", "Uniform", "with_noise"]
