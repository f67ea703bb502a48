"""docs/sweeps.md lists exactly the keys the code accepts, and its example file runs."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from mutualgains.sweeps import CHANGE_KEYS, TASKS, read_scenarios, sweep
from mutualgains.sweeps.scenarios import FILE_KEYS

DOC = Path(__file__).resolve().parents[1] / "docs" / "sweeps.md"


def documented() -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    lines = DOC.read_text(encoding="utf-8").splitlines()
    for k, line in enumerate(lines):
        marker = re.fullmatch(r"<!-- keys: (\w+) -->", line.strip())
        if not marker:
            continue
        keys = []
        for row in lines[k + 3:]:
            if not row.startswith("|"):
                break
            keys.append(re.match(r"\| `([^`]+)`", row).group(1))
        out[marker.group(1)] = tuple(keys)
    return out


def test_the_page_lists_every_key_in_order():
    keys = documented()
    assert keys["file"] == FILE_KEYS
    assert keys["scenario"] == CHANGE_KEYS
    assert keys["task"] == tuple(TASKS)


def test_the_example_file_runs(tmp_path):
    text = re.search(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)[1]
    yaml.safe_load(text)
    path = tmp_path / "what-if.yaml"
    path.write_text(text)
    spec = read_scenarios(path)
    result = sweep(spec.case, spec.scenarios, spec.task, options=spec.options, seed=spec.seed)
    assert result.failed == 0 and result.scenarios == 4 + 4
    assert set(result.frame["kind"].dropna()) == {"options"}
