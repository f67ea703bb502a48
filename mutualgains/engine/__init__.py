"""The solving backend: the MIP adapter (the only module that calls PuLP), the package
program and the exact non-dominated sets."""

__all__: list[str] = []
