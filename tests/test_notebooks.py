"""The stored notebooks are the generator's cells, executed, with their pictures.

nbmake runs the notebooks again in the test run (with ``MPLBACKEND=Agg``, so without
drawing); this file checks what a reader opening them sees: every cell executed
without error, at least one picture per plotting cell, the interactive figures as
plotly output, and no backend chosen inside a notebook.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
PLOT = re.compile(r"\bplots\.(?!axes\b)\w+\(")  # a call of a plot function
INTERACTIVE = re.compile(r"_figure\(")


def generator():
    spec = importlib.util.spec_from_file_location("make_notebooks",
                                                  NOTEBOOKS / "make_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATOR = generator()
NAMES = sorted(GENERATOR.NOTEBOOKS)


def stored(name: str):
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


def mimes(cell) -> set[str]:
    return {m for out in cell.get("outputs", []) for m in out.get("data", {})}


def test_every_notebook_is_generated():
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_stored_notebook_has_the_generators_cells(name):
    expected = GENERATOR.notebook(GENERATOR.NOTEBOOKS[name])
    assert [(c.cell_type, c.source) for c in stored(name).cells] == \
        [(c.cell_type, c.source) for c in expected.cells], \
        "run: python notebooks/make_notebooks.py"


@pytest.mark.parametrize("name", NAMES)
def test_stored_notebook_is_executed_with_a_picture_per_plotting_cell(name):
    code = [c for c in stored(name).cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), "stored without executing"
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    plotting = [c for c in code if PLOT.search(c.source)]
    assert plotting
    for cell in plotting:
        kinds = mimes(cell)
        if INTERACTIVE.search(cell.source):
            assert "application/vnd.plotly.v1+json" in kinds, cell.source
        else:
            assert "image/png" in kinds, cell.source
        assert sum(1 for o in cell.outputs if "image/png" in o.get("data", {})) <= \
            len(PLOT.findall(cell.source)), "a figure drawn twice"


def test_no_notebook_chooses_the_backend():
    text = (NOTEBOOKS / "make_notebooks.py").read_text(encoding="utf-8")
    assert "matplotlib.use(" not in text
    for name in NAMES:
        assert "matplotlib.use(" not in (NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", GENERATOR.NEEDS_SHARED)
def test_notebooks_that_need_shared_say_so_and_stop_cleanly(name, tmp_path):
    cells = GENERATOR.NOTEBOOKS[name]
    assert "Needs the shared test cases" in cells[0]
    assert cells[1] is GENERATOR.FIND_SHARED
    # run the check where no shared folder is: it stops with the message
    namespace: dict = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        with pytest.raises(SystemExit, match="needs the shared test cases"):
            exec(compile(GENERATOR.FIND_SHARED, name, "exec"), namespace)


def test_conftest_skips_exactly_the_notebooks_that_need_shared():
    import conftest

    assert {f"{n}.ipynb" for n in GENERATOR.NEEDS_SHARED} == conftest.NEEDS_SHARED
