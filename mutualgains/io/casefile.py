"""Case files: YAML and JSON in the format of design §4, and plain dicts.

Examples
--------
>>> import tempfile, pathlib
>>> from mutualgains import load_case, save_case
>>> from mutualgains.io.examples import load_example
>>> case = load_example("harbour")
>>> path = pathlib.Path(tempfile.mkdtemp()) / "harbour.yaml"
>>> save_case(case, path)
>>> load_case(path) == case
True
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from mutualgains.errors import CaseError, Problem
from mutualgains.model import Case
from mutualgains.model.arguments import CASE
from mutualgains.model.convert import case_from_dict, case_to_dict
from mutualgains.params import FilePath, validated

__all__ = ["load_case", "read_text", "save_case"]

# ---------------------------------------------------------------------- files


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML loader that rejects duplicate keys instead of keeping the last."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False):
    loader.flatten_mapping(node)
    seen: dict[Any, Any] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", mark)
        seen[key] = True
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def read_text(path: Path) -> Any:
    """The plain data in a ``.yaml``/``.yml`` or ``.json`` file (duplicate keys refused).

    Raises
    ------
    CaseError
        Malformed YAML or JSON (with line and column), or another suffix.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "x.json"
    >>> _ = path.write_text('{"a": 1, "a": 2}')
    >>> read_text(path)
    Traceback (most recent call last):
    ...
    mutualgains.errors.CaseError: 1 problem in the case:
      ...x.json: malformed JSON (got duplicate key 'a')
    """
    text = path.read_text(encoding="utf-8")
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        try:
            return yaml.load(text, Loader=_StrictLoader)
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
            what = getattr(err, "problem", None) or str(err)
            raise CaseError([Problem(where, "malformed YAML", what)]) from None
    if suffix == ".json":
        try:
            return json.loads(text, object_pairs_hook=_json_pairs)
        except json.JSONDecodeError as err:
            where = f"{path}:{err.lineno}:{err.colno}"
            raise CaseError([Problem(where, "malformed JSON", err.msg)]) from None
        except ValueError as err:
            raise CaseError([Problem(str(path), "malformed JSON", str(err))]) from None
    raise CaseError([Problem(str(path), "unknown case file type (use .yaml, .yml, .json or "
                             ".xlsx, or a scorable-game, GENIUS or GeniusWeb folder)",
                             path.suffix or "no suffix")])


@validated(path=FilePath())
def load_case(path: str | Path) -> Case:
    """Read a case from a YAML, JSON or Excel file, or from a scorable-game, GENIUS or
    GeniusWeb folder.

    Parameters
    ----------
    path : str or Path
        A ``.yaml``/``.yml``/``.json`` case file, a GeniusWeb profile ``.json`` (which
        embeds its domain), or a folder holding a scorable game (``config.txt`` and
        ``scores_files/``), a GENIUS domain (XML) or a GeniusWeb domain (JSON).

    Raises
    ------
    CaseError
        When the path does not exist, cannot be parsed, or holds an invalid case.

    Examples
    --------
    >>> from mutualgains import load_case
    >>> load_case("no/such/file.yaml")
    Traceback (most recent call last):
    ...
    mutualgains.errors.CaseError: 1 problem in the case:
      no/such/file.yaml: no such file or folder
    """
    path = Path(path)
    if not path.exists():
        raise CaseError([Problem(str(path), "no such file or folder")])
    if path.is_dir():
        from mutualgains.io.genius import is_genius, read_genius
        from mutualgains.io.geniusweb import is_geniusweb, read_geniusweb
        from mutualgains.io.scorable import is_scorable, read_scorable

        if is_scorable(path):
            return read_scorable(path)
        if is_genius(path):
            return read_genius(path)
        if is_geniusweb(path):
            return read_geniusweb(path)
        raise CaseError([Problem(str(path), "folder is not a known case format (a scorable "
                                 "game needs config.txt and scores_files/; a GENIUS domain a "
                                 "negotiation_template file and utility_space profiles; a "
                                 "GeniusWeb domain .json files with a LinearAdditiveUtilitySpace "
                                 "profile)")])
    if path.suffix.lower() == ".xlsx":
        from mutualgains.io.excel import case_from_excel

        return case_from_excel(path)
    if path.suffix.lower() == ".json":
        from mutualgains.io.geniusweb import file_kind, read_geniusweb

        if file_kind(path) is not None:  # a GeniusWeb profile (or a domain: refused, named)
            return read_geniusweb(path)
    try:
        data = read_text(path)
    except (OSError, UnicodeDecodeError) as err:
        raise CaseError([Problem(str(path), "cannot be read", str(err))]) from None
    if data is None:
        raise CaseError([Problem(str(path), "is empty")])
    return case_from_dict(data)


@validated(case=CASE, path=FilePath())
def save_case(case: Case, path: str | Path) -> None:
    """Write ``case`` to a ``.yaml``/``.yml`` or ``.json`` file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from mutualgains.io.examples import load_example
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "case.json"
    >>> save_case(load_example("harbour"), path)
    >>> path.read_text()[:9]
    '{\\n  "name'
    """
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        from mutualgains.io.excel import case_to_excel

        case_to_excel(case, path)
        return
    data = case_to_dict(case)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    elif suffix == ".json":
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        raise CaseError([Problem(str(path), "unknown case file type (use .yaml, .yml, .json or "
                                 ".xlsx)", path.suffix or "no suffix")])
    path.write_text(text, encoding="utf-8")
