"""Test-run settings shared by the tests, the doctests and the notebooks.

matplotlib draws off screen (``MPLBACKEND=Agg``, set here before anything imports
matplotlib, and inherited by the notebook kernels that nbmake starts), figures are
closed after every test, and the notebooks that need ``../shared`` are skipped,
with the reason, when it is absent (a fresh clone has no shared test cases).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ["MPLBACKEND"] = "Agg"

ROOT = Path(__file__).resolve().parent
SHARED_CASES = ROOT.parent / "shared" / "cases"
NEEDS_SHARED = {"02_genius_domains.ipynb", "03_scorable_game.ipynb"}
"""The notebooks that read ``../shared/cases`` (each says so in its first cell)."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if SHARED_CASES.is_dir():
        return
    skip = pytest.mark.skip(reason=f"{SHARED_CASES} is absent (the shared test cases)")
    for item in items:
        if item.path.name in NEEDS_SHARED:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
