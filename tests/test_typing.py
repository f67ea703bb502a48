"""mypy on the modules that are clean so far (configuration: ``[tool.mypy]`` in pyproject.toml).

The package as a whole is not yet clean (issue 17): widen ``CLEAN`` as modules are
fixed, until it is ``["mutualgains"]``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CLEAN = ["mutualgains/plots", "mutualgains/progress.py", "mutualgains/cli/main.py",
         "mutualgains/cli/common.py", "mutualgains/cli/share.py",
         *(f"mutualgains/analysis/{name}.py" for name in (
             "allocation", "core", "excess", "games", "nucleolus", "scrb", "shapley",
             "sharing")),
         "mutualgains/io/excel/controls.py"]


def test_mypy_is_clean_on_the_checked_modules():
    pytest.importorskip("mypy", reason="mypy is not installed (it is in the test extra)")
    out = subprocess.run([sys.executable, "-m", "mypy", "--follow-imports=silent", *CLEAN],
                         cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_package_ships_its_type_hints():
    assert (ROOT / "mutualgains" / "py.typed").is_file()
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"py.typed"' in text
