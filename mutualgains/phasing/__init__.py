"""Phasing: schedule a package's projects over periods under a budget (design §6)."""

from mutualgains.phasing.run import FORMULATIONS, PhaseResult, ScheduledProject, phase

__all__ = ["FORMULATIONS", "PhaseResult", "ScheduledProject", "phase"]
