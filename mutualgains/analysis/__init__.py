"""The analyses: solve, frontier, alternatives, improve and amend, explain, compensation,
agenda value, logrolling, and who pays what (coalition games, the core, the nucleolus, the
Shapley value, SCRB)."""

__all__: list[str] = []
