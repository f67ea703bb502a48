"""What every failure of the command line becomes: one line and exit 2 for bad input,
exit 3 and a one-line report for an internal error (the traceback with --debug), exit 130
on Ctrl-C (mid-solve too), quiet on a broken pipe; and every command reads CASE the same
way (files, folders, built-in examples)."""

from __future__ import annotations

import argparse
import ast
import importlib
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import mutualgains.cli.common
from mutualgains import Case, Issue, Party, save_case
from mutualgains.cli import main
from mutualgains.cli.main import COMMANDS, EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED

CLI = Path(mutualgains.cli.common.__file__).parent
PROPOSAL = ("infrastructure=water,ecology=maintain,employment=2:1 quota,loan=2 billion,"
            "compensation=300 million")
REQUIRED = {"improve": ["--package", PROPOSAL], "convert": ["out.yaml"]}
"""Options a command cannot run without (a new command with required options adds its own)."""


def run(capsys, *argv: str) -> tuple[int, list[str], str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, err.splitlines(), out


def one_error(capsys, *argv: str) -> str:
    code, lines, _ = run(capsys, *argv)
    assert code == EXIT_BAD_INPUT, lines
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: ") and "Traceback" not in lines[0]
    return lines[0]


# ------------------------------------------------------------------- bad input: exit 2


@pytest.mark.parametrize(("argv", "names"), [
    (["solve", "harbour", "--time-limit", "-1"], "--time-limit"),
    (["solve", "harbour", "--time-limit", "nan"], "--time-limit"),
    (["solve", "harbour", "--gap", "2"], "--gap"),
    (["solve", "harbour", "--objective", "best"], "--objective"),
    (["solve", "harbour", "--method", "fast"], "--method"),
    (["solve", "harbour", "--no-such-option"], "--no-such-option"),
    (["alternatives", "harbour", "-k", "0"], "-k"),
    (["alternatives", "harbour", "-k", "1" * 5000], "-k"),
    (["frontier", "harbour", "--parties", "Port"], "--parties"),
    (["frontier", "harbour", "--max-points", "many"], "--max-points"),
    (["phase", "regional", "--periods", "0"], "--periods"),
    (["phase", "regional", "--carry-over", "1.5"], "--carry-over"),
    (["phase", "regional", "--gantt", "/no/such/dir/g.png"], "--gantt"),
    (["phase", "regional", "--spend-chart", "spend.docx"], "--spend-chart"),
    (["improve", "harbour"], "--package"),
    (["nosuchcommand"], "nosuchcommand"),
    ([], "COMMAND"),
])
def test_bad_options_are_one_line_naming_the_option(capsys, argv, names):
    line = one_error(capsys, *argv)
    assert names in line
    assert line.endswith("--help')")


@pytest.mark.parametrize(("argv", "names"), [
    (["solve", "harbor"], "CASE"),
    (["solve", "harbour", "--solver", "glpk"], "solver"),
    (["solve", "harbour", "--solver", "nosuch"], "solver"),
    (["improve", "harbour", "--package", "loan"], "--package"),
    (["improve", "harbour", "--package", '{"loan": 3}'], "--package"),
    (["improve", "harbour", "--package", "[" * 100_000], "--package"),
    (["explain", "harbour", "--package", "{" + '"a":' * 50_000], "--package"),
    (["phase", "regional", "--budget", "lots"], "--budget"),
    (["phase", "regional", "--value-by", "3"], "--value-by"),
    (["phase", "regional", "--first-gain-by", "99"], "first_gain_by"),
])
def test_bad_values_are_one_line_naming_the_place(capsys, argv, names):
    assert names in one_error(capsys, *argv)


def test_a_bad_package_reports_each_problem_on_its_line(capsys):
    code, lines, _ = run(capsys, "explain", "harbour", "--package", "loan=x,nosuch=y")
    assert code == EXIT_BAD_INPUT
    assert "error: package.nosuch: unknown issue (got 'nosuch')" in lines
    assert any(line.startswith("error: package.loan: unknown option") for line in lines)
    assert all(line.startswith("error: package.") for line in lines)


def test_an_unwritable_output_is_named_by_its_option_before_any_work(capsys):
    line = one_error(capsys, "phase", "regional", "--gantt", "/proc/gantt.png")
    assert line.startswith("error: argument --gantt: '/proc/gantt.png': cannot be written")


def test_an_output_that_fails_at_the_end_is_named_by_its_option(capsys, monkeypatch, tmp_path):
    import matplotlib.figure

    def full(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", full)
    path = tmp_path / "gantt.png"
    line = one_error(capsys, "phase", "regional", "--gantt", str(path))
    assert line == f"error: --gantt: cannot write {path} (No space left on device)"


def test_an_output_folder_that_is_a_file(capsys, tmp_path):
    (tmp_path / "file").write_text("x")
    line = one_error(capsys, "phase", "regional", "--gantt", str(tmp_path / "file" / "g.png"))
    assert "--gantt" in line and "no such folder" in line


def test_an_os_error_in_any_command_is_bad_input(capsys, monkeypatch):
    def unreadable(args):
        raise PermissionError(13, "Permission denied", "/secret/case.yaml")

    monkeypatch.setattr(importlib.import_module("mutualgains.cli.solve"), "run", unreadable)
    assert one_error(capsys, "solve", "x") == "error: /secret/case.yaml: Permission denied"


# --------------------------------------------------------------- internal errors: exit 3


@pytest.fixture
def broken_solve(monkeypatch):
    def boom(args):
        raise ZeroDivisionError("a bug\nover two lines")

    monkeypatch.setattr(importlib.import_module("mutualgains.cli.solve"), "run", boom)


def test_an_internal_error_says_so_on_one_line(capsys, broken_solve):
    code, lines, out = run(capsys, "solve", "harbour")
    assert code == EXIT_INTERNAL and out == ""
    assert lines == ["internal error: ZeroDivisionError: a bug over two lines (please report; "
                     "rerun with --debug for the traceback)"]


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_shows_the_traceback(capsys, broken_solve, where):
    argv = ["--debug", "solve", "harbour"] if where == "before" else \
        ["solve", "harbour", "--debug"]
    code, lines, _ = run(capsys, *argv)
    assert code == EXIT_INTERNAL
    assert lines[0] == "Traceback (most recent call last):"
    assert lines[-1].startswith("internal error: ZeroDivisionError")


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_takes_debug(capsys, name):
    assert main([name, "--debug", "--help"]) == 0
    assert "--debug" in capsys.readouterr().out


# ------------------------------------------------------------------------ CASE everywhere


def _commands_with_a_case() -> list[str]:
    out = []
    for name in COMMANDS:
        sub = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(f"mutualgains.cli.{name}").add_parser(sub)
        if any(a.dest == "case" for a in sub.choices[name]._actions):
            out.append(name)
    return out


@pytest.mark.parametrize("name", _commands_with_a_case())
def test_every_command_reports_an_unknown_example(capsys, name):
    line = one_error(capsys, name, "harbor", *REQUIRED.get(name, []))
    assert line.startswith("error: CASE: no such file or folder, nor an example (examples: ")


@pytest.mark.parametrize("name", [n for n in _commands_with_a_case()
                                  if n in ("solve", "frontier", "alternatives", "improve",
                                           "explain", "phase")])
def test_every_command_accepts_example_names(capsys, name):
    example = "regional" if name == "phase" else "harbour"
    code, lines, out = run(capsys, name, example, *REQUIRED.get(name, []), "--json")
    assert code == 0, lines
    assert out.startswith("{")


@pytest.mark.parametrize("path", sorted(CLI.glob("*.py")), ids=lambda p: p.name)
def test_commands_read_case_through_common_load(path):
    """A command that read CASE itself would miss the example names and their errors."""
    readers = {"load_case", "load_example", "read_genius", "read_scorable", "case_from_excel"}
    if path.name == "common.py":
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    called = {node.func.id if isinstance(node.func, ast.Name) else node.func.attr
              for node in ast.walk(tree) if isinstance(node, ast.Call)
              and isinstance(node.func, ast.Name | ast.Attribute)}
    assert not (called & readers) or path.name == "demo.py", sorted(called & readers)


# ------------------------------------------------ as a program: Ctrl-C, pipes, warnings


def market_split(m: int, n: int, seed: int = 0) -> Case:
    """A market split instance (Cornuejols and Dawande 1999) as a case: feasible packages hit
    m sums exactly; the solver's branch and bound takes minutes to hours."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 100, (m, n))
    b = a.sum(axis=1) // 2
    issues = [Issue(f"x{j}", ("0", "1")) for j in range(n)]
    parties, scores = [], {}
    for i in range(m):
        parties += [Party(f"r{i}+", batna=int(b[i])), Party(f"r{i}-", batna=-int(b[i]))]
        scores[f"r{i}+"] = {f"x{j}": [0, int(a[i, j])] for j in range(n)}
        scores[f"r{i}-"] = {f"x{j}": [0, -int(a[i, j])] for j in range(n)}
    return Case(parties, issues, scores, name="market split")


ANNOUNCE_SOLVE = """
import sys
from mutualgains.engine.mip import MipModel
real = MipModel.solve
def announced(self, **options):
    print("solving", file=sys.stderr, flush=True)
    return real(self, **options)
MipModel.solve = announced
from mutualgains.cli import main
sys.argv = ["mutualgains", *sys.argv[1:]]
sys.exit(main())
"""


def _hear_ctrl_c() -> None:
    """Ctrl-C back to its default in the child: a suite started in the background of a
    shell without job control ignores SIGINT, and its children would inherit that."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_in_the_middle_of_a_solve_exits_130_at_once(tmp_path):
    path = tmp_path / "split.yaml"
    save_case(market_split(5, 40), path)
    proc = subprocess.Popen([sys.executable, "-c", ANNOUNCE_SOLVE, "solve", str(path),
                             "--method", "mip", "--time-limit", "600"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_hear_ctrl_c)
    try:
        assert proc.stderr.readline() == "solving\n"
        time.sleep(1.0)  # well inside the solve: HiGHS holds its thread and ignores signals
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)  # the solve alone would take minutes
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == EXIT_INTERRUPTED
    assert err == "interrupted\n" and out == ""


def test_a_closed_pipe_ends_quietly():
    proc = subprocess.Popen([sys.executable, "-m", "mutualgains", "alternatives", "harbour",
                             "-k", "3", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # like `| head` that has stopped reading
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert err == ""


def test_an_internal_error_as_a_program(tmp_path):
    code = ("import sys, mutualgains.cli.solve as s\n"
            "def boom(args): raise KeyError('x')\n"
            "s.run = boom\n"
            "from mutualgains.cli import main\n"
            "sys.argv = ['mutualgains', *sys.argv[1:]]\n"
            "sys.exit(main())\n")
    out = subprocess.run([sys.executable, "-c", code, "solve", "harbour"], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == EXIT_INTERNAL
    assert out.stderr.startswith("internal error: KeyError: 'x' (please report")
    assert "Traceback" not in out.stderr
    debug = subprocess.run([sys.executable, "-c", code, "solve", "harbour", "--debug"],
                           capture_output=True, text=True, timeout=60)
    assert debug.returncode == EXIT_INTERNAL and "Traceback" in debug.stderr


def test_warnings_are_one_line_without_source(tmp_path):
    path = tmp_path / "dep.yaml"
    path.write_text('parties: {A: 0}\nissues: {t: [in, out], p: ["yes", "no"]}\n'
                    'scores: {A: {t: [1, 0]}}\n'
                    'requires: [{option: {t: in}, needs: {p: "yes"}}]\n'
                    'excludes: [[{t: in}, {p: "yes"}]]\n')
    out = subprocess.run([sys.executable, "-m", "mutualgains", "solve", str(path)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0
    assert out.stderr.splitlines() == [
        "warning: options that no package can contain: t=in (t=in requires p=yes, but t=in "
        "excludes p=yes)"]
