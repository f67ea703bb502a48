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
from mutualgains.io.files import entry_kind, read_regular_file
from mutualgains.io.plaindata import decode, json_data, yaml_data
from mutualgains.model import Case
from mutualgains.model.arguments import CASE
from mutualgains.model.convert import case_from_dict, case_to_dict
from mutualgains.params import FilePath, validated

__all__ = ["load_case", "read_text", "save_case"]

# ---------------------------------------------------------------------- files


def read_text(path: Path) -> Any:
    """The plain data in a ``.yaml``/``.yml`` or ``.json`` file (duplicate keys refused).

    Only a regular file is read, of at most :data:`~mutualgains.limits.MAX_FILE_BYTES`;
    its text must be UTF-8 (a byte order mark is accepted); the data is bounded before it
    is built (see :mod:`mutualgains.io.plaindata`).

    Raises
    ------
    CaseError
        Malformed YAML or JSON (with line and column), another suffix, a file that
        is not a regular file or is beyond the limits.

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
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".json"):
        raise CaseError([Problem(str(path), "unknown case file type (use .yaml, .yml, .json or "
                                 ".xlsx, or a scorable-game, GENIUS or GeniusWeb folder)",
                                 path.suffix or "no suffix")])
    text = decode(read_regular_file(path), str(path))
    if suffix == ".json":
        return json_data(text, str(path))
    return yaml_data(text, str(path))


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
        When the path does not exist, is neither a regular file nor a folder (a
        FIFO, a device, a socket: refused without reading), is beyond the limits
        of :mod:`mutualgains.limits`, cannot be parsed, or holds an invalid case.

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
    if entry_kind(path) == "folder":  # a FIFO, a device or a socket is refused unread
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
    data = read_text(path)
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
