"""The analyses: solve, frontier, alternatives, improve and amend, explain, compensation,
agenda value and logrolling; who pays what (coalition games, the core, the nucleolus,
the Shapley value, SCRB); and how sure a package is under uncertain scores and BATNAs
(``robustness_*``: acceptance probabilities, stability radius, rank acceptability, robust
packages)."""

__all__: list[str] = []
