"""The hostile corpus (``tests/hostile``): every input is refused with a clear message naming its
place, or read and solved, within 10 s and 1 GiB and without a traceback, through the API and
through the CLI.

``tests/hostile/manifest.yaml`` lists every entry with what must happen; ``tests/hostile/files``
holds the entries that can be checked in, ``tests/hostile/make.py`` builds the others at test
time (special files, large inputs, workbooks, folders). All entries run in parallel: the API in a
pool of spawned worker processes, each limited to 1 GiB of address space; the CLI as one
``python -m mutualgains COMMAND FILE`` subprocess per entry under the same limit.

Time is bounded in CPU seconds, so that the bound holds on a loaded machine as on a quiet one:
a CLI child may use 10 s of CPU (``RLIMIT_CPU``: the kernel stops it beyond), an API call is
measured with ``time.process_time``. A hang uses no CPU: a wall-clock guard of two minutes per
entry catches it (``load_case`` on a FIFO would wait forever).
"""

from __future__ import annotations

import importlib.util
import multiprocessing
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml

HERE = Path(__file__).resolve().parent / "hostile"
MANIFEST: list[dict[str, Any]] = yaml.safe_load((HERE / "manifest.yaml").read_text("utf-8"))
SECONDS = 10  # of CPU per entry
MEMORY = 2**30  # bytes of address space
HANG = 120  # wall-clock seconds after which an entry is taken to hang

resource = pytest.importorskip("resource", reason="resource limits need a POSIX system")


def _limit() -> None:
    """Run in a worker: at most MEMORY bytes of address space."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _limit_cli() -> None:
    """Run in a CLI child: MEMORY bytes of address space and SECONDS of CPU."""
    _limit()
    resource.setrlimit(resource.RLIMIT_CPU, (SECONDS, SECONDS + 1))


def _make():
    spec = importlib.util.spec_from_file_location("hostile_make", HERE / "make.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def api_outcome(path: str, command: str) -> tuple[str, str, float]:
    """In a worker: ``(exception name or "ok", message, CPU seconds)`` of the API on ``path``."""
    import warnings

    import mutualgains as mg

    started = time.process_time()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            case = mg.load_case(path)
            result = mg.solve(case)
            if command == "phase":
                mg.phase(case, result.package)
        kind, message = "ok", ""
    except Exception as err:  # the test says which kind was expected
        kind, message = type(err).__name__, str(err)
    return kind, message, time.process_time() - started


def _cli_outcome(path: Path, command: str) -> tuple[int | str, str]:
    """``(exit status, stderr)`` of the CLI on ``path`` (a negative status: killed by a
    signal, SIGXCPU after SECONDS of CPU)."""
    try:
        out = subprocess.run([sys.executable, "-m", "mutualgains", command, str(path)],
                             capture_output=True, text=True, timeout=HANG,
                             preexec_fn=_limit_cli, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return "hangs", ""
    return out.returncode, out.stderr


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, set[str]]:
    """The corpus folder: the checked-in files and the generated entries."""
    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(HERE / "files", root, dirs_exist_ok=True)
    built = set(_make().build(root))
    return root, built


@pytest.fixture(scope="module")
def outcomes(corpus) -> dict[str, dict[str, Any]]:
    """Every entry through the API and the CLI, in parallel; file -> outcomes."""
    root, built = corpus
    entries = [e for e in MANIFEST if e["file"] in built or (HERE / "files" / e["file"]).is_file()]
    workers = max(2, os.cpu_count() or 2)
    out: dict[str, dict[str, Any]] = {e["file"]: {} for e in entries}
    pool = multiprocessing.get_context("spawn").Pool(workers, initializer=_limit)
    try:
        pending = {e["file"]: pool.apply_async(api_outcome, (str(root / e["file"]),
                                                             e.get("command", "solve")))
                   for e in entries}
        for name, job in pending.items():  # in order: each waits at most HANG after the last
            try:
                out[name]["api"] = job.get(timeout=HANG)
            except multiprocessing.TimeoutError:
                out[name]["api"] = ("hangs", "", float("inf"))
    finally:
        pool.terminate()
    with ThreadPoolExecutor(workers) as threads:
        jobs = {e["file"]: threads.submit(_cli_outcome, root / e["file"],
                                          e.get("command", "solve")) for e in entries}
        for name, job in jobs.items():
            out[name]["cli"] = job.result()
    return out


def test_the_manifest_covers_the_corpus(corpus):
    root, built = corpus
    assert all((root / name).is_symlink() or (root / name).exists() for name in built)
    listed = [e["file"] for e in MANIFEST]
    assert len(listed) == len(set(listed)), "an entry is listed twice"
    assert len(listed) >= 110
    checked_in = {str(p.relative_to(HERE / "files")) for p in (HERE / "files").rglob("*")
                  if p.is_file()}
    generated = set(_make().BUILDERS)
    assert set(listed) == checked_in | generated, "every input has an entry, and only those"
    for entry in MANIFEST:
        assert set(entry) <= {"file", "api", "exit", "where", "says", "command"}, entry
        assert (entry["api"] == "ok") == (entry["exit"] == 0), entry
        assert entry["api"] == "ok" or "where" in entry, entry


def _entry_ids(entry: dict[str, Any]) -> str:
    return entry["file"]


@pytest.mark.parametrize("entry", MANIFEST, ids=_entry_ids)
def test_through_the_api(entry, corpus, outcomes):
    if entry["file"] not in outcomes:
        pytest.skip(f"{entry['file']}: this platform cannot make it")
    kind, message, seconds = outcomes[entry["file"]]["api"]
    assert kind == entry["api"], message[:500]
    assert seconds <= SECONDS
    if kind != "ok":
        assert entry["where"] in message, message[:500]
        assert entry.get("says", "") in message, message[:500]


@pytest.mark.parametrize("entry", MANIFEST, ids=_entry_ids)
def test_through_the_cli(entry, corpus, outcomes):
    if entry["file"] not in outcomes:
        pytest.skip(f"{entry['file']}: this platform cannot make it")
    code, stderr = outcomes[entry["file"]]["cli"]
    assert code == entry["exit"], stderr[-2000:]  # -24 (SIGXCPU): more than SECONDS of CPU
    assert "Traceback" not in stderr, stderr[-2000:]
    if code != 0:
        errors = [line for line in stderr.splitlines() if line.startswith("error: ")]
        assert errors, stderr[-2000:]
        assert entry["where"] in stderr and entry.get("says", "") in stderr, stderr[-2000:]
