"""The analyses: solve, frontier, alternatives, improve and amend, explain, compensation,
agenda value and logrolling."""

__all__: list[str] = []
