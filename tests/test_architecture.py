"""The layout holds: layers (import-linter), no import cycles at run time, no private imports.

The layers are drawn in the README's "For contributors" section and declared in
pyproject.toml (``[tool.importlinter]``).
"""

from __future__ import annotations

import ast
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import mutualgains

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "mutualgains"
MODULES = sorted(name for _, name, _ in pkgutil.walk_packages(mutualgains.__path__,
                                                              "mutualgains.")
                 if not name.endswith("__main__"))


def test_import_linter_contracts_are_kept():
    if shutil.which("lint-imports") is None:
        pytest.skip("import-linter is not installed (it is in the test extra)")
    out = subprocess.run(["lint-imports", "--no-cache"], cwd=ROOT, capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "broken" in out.stdout and " 0 broken" in out.stdout


def test_every_module_imports_alone_in_a_fresh_interpreter():
    """A cycle that only bites when a module is imported first fails here."""
    code = ("import importlib, sys\n"
            "failed = []\n"
            "for name in sys.argv[1:]:\n"
            "    for key in [k for k in sys.modules if k.startswith('mutualgains')]:\n"
            "        del sys.modules[key]\n"
            "    try:\n"
            "        importlib.import_module(name)\n"
            "    except Exception as err:\n"
            "        failed.append(f'{name}: {type(err).__name__}: {err}')\n"
            "print('\\n'.join(failed))\n"
            "sys.exit(1 if failed else 0)\n")
    halves = [MODULES[::2], MODULES[1::2]]  # two interpreters side by side (2 cores)
    runs = [subprocess.Popen([sys.executable, "-c", code, *half], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for half in halves]
    for run in runs:
        stdout, stderr = run.communicate()
        assert run.returncode == 0, stdout + stderr


def _private_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and \
                node.module.startswith("mutualgains"):
            parts = node.module.split(".")
            found += [f"{node.module} (module)" for p in parts if p.startswith("_")]
            found += [f"{node.module}.{a.name}" for a in node.names
                      if a.name.startswith("_") and not a.name.startswith("__")]
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names
                      if a.name.startswith("mutualgains")
                      and any(p.startswith("_") for p in a.name.split("."))]
    return found


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_imports_another_modules_private_names(path):
    assert _private_imports(path) == []


def test_the_public_api_is_declared_once():
    """Every name in ``mutualgains.__all__`` loads from the home that ``_HOMES`` gives it."""
    for name in mutualgains.__all__:
        value = getattr(mutualgains, name)
        home = mutualgains._HOMES[name]
        assert getattr(sys.modules[home], name) is value
