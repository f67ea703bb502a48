"""Every public function and class documents itself with a runnable example."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import mutualgains

MODULES = sorted(
    name for _, name, _ in pkgutil.walk_packages(mutualgains.__path__, "mutualgains.")
    if not name.rsplit(".", 1)[-1].startswith("_")
)


def public_objects():
    for name in MODULES:
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", []):
            obj = getattr(module, attr)
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == name:
                yield f"{name}.{attr}", obj


@pytest.mark.parametrize("module", MODULES)
def test_every_module_has_a_docstring_and_all(module):
    mod = importlib.import_module(module)
    assert mod.__doc__, module
    if module != "mutualgains.cli":
        assert hasattr(mod, "__all__"), module


@pytest.mark.parametrize(("name", "obj"), list(public_objects()), ids=lambda v: str(v)[:60])
def test_public_objects_have_examples(name, obj):
    doc = inspect.getdoc(obj) or ""
    module_doc = inspect.getmodule(obj).__doc__ or ""
    if inspect.isclass(obj) and issubclass(obj, Exception | Warning):
        assert doc, name
        return
    assert "Examples\n--------" in doc or (
        inspect.isclass(obj) and ">>>" in module_doc and obj.__name__ in module_doc
    ), f"{name} has no Examples section"
