"""A corpus of hostile API calls and command lines, and names that try to run script in a
notebook.

For each call: the expected exception type (API) or exit status (CLI), a message that
names the place (the argument or the option), no traceback (no chained exception from
inside the library; nothing but ``error:`` lines on stderr), finished within
:data:`SECONDS` and :data:`MEMORY` (run in subprocesses under ``RLIMIT_AS``, with an alarm
per API call and a timeout per command line). The corpus of hostile *files* is in
``tests/hostile/``.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

import mutualgains as mg
from mutualgains.model.convert import case_from_dict, case_to_dict

from .test_cli_errors import ANNOUNCE_SOLVE, market_split

SECONDS = 10
"""Wall-clock limit of each call (the alarm of an API call, the timeout of a command line)."""
MEMORY = 1 << 30
"""Address-space limit of the processes that run the calls (1 GiB)."""


def _limit_memory() -> None:  # runs in the child, before it executes
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _limit_memory_and_hear_ctrl_c() -> None:
    """As :func:`_limit_memory`; and Ctrl-C back to its default, because a suite started
    in the background of a shell without job control ignores SIGINT, and its children
    would inherit that."""
    _limit_memory()
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@dataclass(frozen=True)
class Call:
    """A hostile API call: Python code, the exception it must raise, the place it names."""

    code: str
    error: str
    place: str


API: list[Call] = [
    # solve: every argument
    Call("mg.solve(None)", "UsageError", "case"),
    Call("mg.solve({'parties': {}})", "UsageError", "case"),
    Call("mg.solve('harbour')", "UsageError", "case"),
    Call("mg.solve(harbour, 'best')", "UsageError", "objective"),
    Call("mg.solve(harbour, objective=['joint'])", "UsageError", "objective"),
    Call("mg.solve(harbour, solver=None)", "UsageError", "solver"),
    Call("mg.solve(harbour, solver='')", "UsageError", "solver"),
    Call("mg.solve(harbour, solver='nosuch')", "SolverError", "solver"),
    Call("mg.solve(harbour, solver='glpk')", "SolverError", "glpk"),
    Call("mg.solve(harbour, solver='gurobi', gap=0.1)", "SolverError", "gurobi"),
    Call("mg.solve(harbour, time_limit=0)", "UsageError", "time_limit"),
    Call("mg.solve(harbour, time_limit=-1)", "UsageError", "time_limit"),
    Call("mg.solve(harbour, time_limit=float('inf'))", "UsageError", "time_limit"),
    Call("mg.solve(harbour, time_limit='10')", "UsageError", "time_limit"),
    Call("mg.solve(harbour, time_limit=10 ** 400)", "UsageError", "time_limit"),
    Call("mg.solve(harbour, gap=-0.1)", "UsageError", "gap"),
    Call("mg.solve(harbour, gap=float('nan'))", "UsageError", "gap"),
    Call("mg.solve(harbour, gap=5)", "UsageError", "gap"),
    Call("mg.solve(harbour, method='fast')", "UsageError", "method"),
    Call("mg.solve(harbour, msg='yes')", "UsageError", "msg"),
    Call("mg.solve(harbour, transfers=1)", "UsageError", "transfers"),
    Call("mg.solve(harbour, no_such_option=1)", "UsageError", "no_such_option"),
    Call("mg.solve()", "UsageError", "case"),
    # the frontier
    Call("mg.pareto_frontier(harbour, parties='AB')", "UsageError", "parties"),
    Call("mg.pareto_frontier(harbour, parties=['Port'])", "UsageError", "parties"),
    Call("mg.pareto_frontier(harbour, parties=['Port', 'Nobody'])", "UsageError", "Nobody"),
    Call("mg.pareto_frontier(harbour, parties=['Port', 'Port'])", "UsageError", "parties"),
    Call("mg.pareto_frontier(harbour, parties=[1, 2])", "UsageError", "parties"),
    Call("mg.pareto_frontier(harbour, max_points=0)", "UsageError", "max_points"),
    Call("mg.pareto_frontier(harbour, max_points=1e9)", "UsageError", "max_points"),
    Call("mg.pareto_frontier(harbour, progress='yes')", "UsageError", "progress"),
    Call("mg.pareto_frontier(harbour, ties=None)", "UsageError", "ties"),
    # analyses of a package
    Call("mg.alternatives(harbour, 0)", "UsageError", "k"),
    Call("mg.alternatives(harbour, 2.5)", "UsageError", "k"),
    Call("mg.alternatives(harbour, 2, min_difference=99)", "UsageError", "min_difference"),
    Call("mg.alternatives(harbour, 2, objective='best')", "UsageError", "objective"),
    Call("mg.improve(harbour, 'loan=none')", "UsageError", "package"),
    Call("mg.improve(harbour, {'loan': 'nope'})", "CaseError", "package.loan"),
    Call("mg.improve(harbour, package, rule='leximin')", "UsageError", "rule"),
    Call("mg.amend(harbour, package, 'Nobody')", "UsageError", "party"),
    Call("mg.amend(harbour, package, 3)", "UsageError", "party"),
    Call("mg.amend(harbour, package, 'Port', keep_others='no')", "UsageError", "keep_others"),
    Call("mg.check_amendment(harbour, package, None)", "UsageError", "amended"),
    Call("mg.explain(harbour, package='loan')", "UsageError", "package"),
    Call("mg.explain(harbour, package={'nosuch': 'x'})", "CaseError", "package.nosuch"),
    Call("mg.compensate(harbour, None)", "UsageError", "package"),
    Call("mg.agenda_value(harbour, 'nosuch')", "UsageError", "item"),
    Call("mg.agenda_value(harbour, 3)", "UsageError", "item"),
    Call("mg.agenda_value(harbour, status_quo=['loan'])", "UsageError", "status_quo"),
    Call("mg.agenda_value(harbour, count_limit=-1)", "UsageError", "count_limit"),
    Call("mg.count_passing(harbour, limit=1.5)", "UsageError", "limit"),
    Call("mg.concessions(harbour, 3)", "UsageError", "package"),
    Call("mg.trades('harbour', package)", "UsageError", "case"),
    # phasing
    Call("mg.phase(regional, None)", "UsageError", "package"),
    Call("mg.phase(regional, projects, periods=0)", "UsageError", "periods"),
    Call("mg.phase(regional, projects, periods=2.5)", "UsageError", "periods"),
    Call("mg.phase(regional, projects, budget='lots')", "UsageError", "budget"),
    Call("mg.phase(regional, projects, budget=[1, -2])", "UsageError", "budget"),
    Call("mg.phase(regional, projects, carry_over=2)", "UsageError", "carry_over"),
    Call("mg.phase(regional, projects, discount=float('nan'))", "UsageError", "discount"),
    Call("mg.phase(regional, projects, first_gain_by={'Mayor': 2})", "UsageError",
         "first_gain_by"),
    Call("mg.phase(regional, projects, first_gain_by=99)", "UsageError", "first_gain_by"),
    Call("mg.phase(regional, projects, value_by=(1,))", "UsageError", "value_by"),
    Call("mg.phase(regional, projects, formulation='bigm')", "UsageError", "formulation"),
    Call("mg.phase(regional, projects, earliest='yes')", "UsageError", "earliest"),
    Call("mg.phase(harbour, package)", "UsageError", "phasing"),
    # files and frames
    Call("mg.load_case(None)", "UsageError", "path"),
    Call("mg.load_case(3)", "UsageError", "path"),
    Call("mg.load_case('')", "UsageError", "path"),
    Call("mg.load_case('a\\0b.yaml')", "UsageError", "path"),
    Call("mg.load_case(tmp + '/missing.yaml')", "CaseError", "missing.yaml"),
    Call("mg.save_case({'parties': {}}, tmp + '/x.yaml')", "UsageError", "case"),
    Call("mg.save_case(harbour, None)", "UsageError", "path"),
    Call("mg.save_case(harbour, tmp + '/x.txt')", "CaseError", "x.txt"),
    Call("mg.load_example('harbor')", "UsageError", "name"),
    Call("mg.load_example(None)", "UsageError", "name"),
    Call("mg.read_genius(3)", "UsageError", "folder"),
    Call("mg.read_genius(tmp, parties='AB')", "UsageError", "parties"),
    Call("mg.read_scorable(None)", "UsageError", "folder"),
    Call("mg.read_scorable_deal(b'game')", "UsageError", "folder"),
    Call("mg.case_from_excel(3)", "UsageError", "path"),
    Call("mg.case_to_excel(harbour, 3)", "UsageError", "path"),
    Call("mg.case_to_excel('harbour', tmp + '/x.xlsx')", "UsageError", "case"),
    Call("mg.copy_template(None)", "UsageError", "path"),
    Call("mg.case_from_frames(None, None)", "UsageError", "scores"),
    Call("mg.case_from_frames(*mg.case_to_frames(harbour), issues=['x'])", "UsageError",
         "issues"),
    Call("mg.case_to_frames([1])", "UsageError", "case"),
    # plots
    Call("plots.gantt_chart(harbour)", "UsageError", "result"),
    Call("plots.spend_chart(plan, parties='AB')", "UsageError", "parties"),
    Call("plots.spend_chart(plan, parties=['Mayor'])", "UsageError", "Mayor"),
    Call("plots.utility_space(harbour, ['Port'])", "UsageError", "parties"),
    Call("plots.gains_chart(harbour, solutions=['best'])", "UsageError", "solutions"),
    Call("plots.dependency_chart(harbour, ax='ax')", "UsageError", "ax"),
]

RUNNER = """
import json, signal, sys, tempfile
import matplotlib
matplotlib.use("Agg")
import mutualgains as mg
import mutualgains.plots as plots

class Timeout(Exception):
    pass

def alarm(signum, frame):
    raise Timeout("over the time limit")

signal.signal(signal.SIGALRM, alarm)
harbour, regional = mg.load_example("harbour"), mg.load_example("regional")
package, projects = mg.solve(harbour).package, mg.solve(regional).package
scope = {"mg": mg, "plots": plots, "harbour": harbour, "regional": regional,
         "package": package, "projects": projects, "plan": mg.phase(regional, projects),
         "tmp": tempfile.mkdtemp()}
for code in json.loads(sys.stdin.read()):
    signal.alarm(SECONDS)
    try:
        eval(code, scope)
        record = {"error": None}
    except BaseException as err:
        record = {"error": type(err).__name__, "message": str(err),
                  "chained": err.__context__ is not None and not err.__suppress_context__,
                  "cause": type(err.__cause__).__name__ if err.__cause__ else None}
    finally:
        signal.alarm(0)
    print(json.dumps(record), flush=True)
""".replace("SECONDS", str(SECONDS))


@pytest.fixture(scope="module")
def api_records() -> list[dict]:
    """Every API call of the corpus, run in one subprocess under the limits."""
    out = subprocess.run([sys.executable, "-c", RUNNER],
                         input=json.dumps([c.code for c in API]), capture_output=True,
                         text=True, timeout=60 + SECONDS * len(API), preexec_fn=_limit_memory)
    records = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    assert len(records) == len(API), out.stderr[-3000:]
    return records


@pytest.mark.parametrize("k", range(len(API)), ids=[c.code[:60] for c in API])
def test_hostile_api_call(api_records, k):
    call, record = API[k], api_records[k]
    assert record["error"] == call.error, record
    assert call.place in record["message"], record["message"]
    assert not record["chained"] and record["cause"] is None, record
    assert "Traceback" not in record["message"] and len(record["message"]) < 2000


# ---------------------------------------------------------------------- command lines


@dataclass(frozen=True)
class Command:
    """A hostile command line: the arguments, the exit status, the place stderr names."""

    argv: tuple[str, ...]
    status: int
    place: str


DEEP_JSON = "{" + '"a": {' * 20_000
HUGE_NUMBER = '{"loan": ' + "9" * 5000 + "}"
PROPOSAL = ("infrastructure=water,ecology=maintain,employment=2:1 quota,loan=2 billion,"
            "compensation=300 million")

CLI: list[Command] = [
    Command(("solve", "harbor"), 2, "CASE"),
    Command(("solve", "/no/such/case.yaml"), 2, "/no/such/case.yaml"),
    Command(("solve", "{tmp}"), 2, "folder is not a known case format"),
    Command(("solve", "{tmp}/case.txt"), 2, "unknown case file type"),
    Command(("solve",), 2, "case"),
    Command(("solve", "harbour", "--time-limit", "-1"), 2, "--time-limit"),
    Command(("solve", "harbour", "--time-limit", "0"), 2, "--time-limit"),
    Command(("solve", "harbour", "--time-limit", "inf"), 2, "--time-limit"),
    Command(("solve", "harbour", "--time-limit", "1e400"), 2, "--time-limit"),
    Command(("solve", "harbour", "--gap", "-0.5"), 2, "--gap"),
    Command(("solve", "harbour", "--gap", "1.5"), 2, "--gap"),
    Command(("solve", "harbour", "--objective", "best"), 2, "--objective"),
    Command(("solve", "harbour", "--method", "fast"), 2, "--method"),
    Command(("solve", "harbour", "--solver", "glpk"), 2, "glpk"),
    Command(("solve", "harbour", "--solver", "nosuch"), 2, "solver"),
    Command(("solve", "harbour", "--solver", ""), 2, "solver"),
    Command(("solve", "harbour", "--json", "--nosuch"), 2, "--nosuch"),
    Command(("frontier", "harbour", "--parties", "Port"), 2, "--parties"),
    Command(("frontier", "harbour", "--parties", ","), 2, "--parties"),
    Command(("frontier", "harbour", "--parties", "Port,Nobody"), 2, "Nobody"),
    Command(("frontier", "harbour", "--parties", "Port,Port"), 2, "parties"),
    Command(("frontier", "harbour", "--max-points", "0"), 2, "--max-points"),
    Command(("alternatives", "harbour", "-k", "0"), 2, "-k"),
    Command(("alternatives", "harbour", "-k", "-5"), 2, "-k"),
    Command(("alternatives", "harbour", "-k", "1e3"), 2, "-k"),
    Command(("alternatives", "harbour", "--min-difference", "99"), 2, "min_difference"),
    Command(("improve", "harbour"), 2, "--package"),
    Command(("improve", "harbour", "--package", "loan"), 2, "--package"),
    Command(("improve", "harbour", "--package", '{"loan": '), 2, "--package"),
    Command(("improve", "harbour", "--package", DEEP_JSON), 2, "--package"),
    Command(("improve", "harbour", "--package", HUGE_NUMBER), 2, "--package"),
    Command(("improve", "harbour", "--package", "[" * 50_000), 2, "--package"),
    Command(("improve", "harbour", "--package", PROPOSAL.replace("water,", "air,")), 2,
            "package.infrastructure"),
    Command(("improve", "harbour", "--package", PROPOSAL, "--rule", "leximin"), 2, "--rule"),
    Command(("explain", "harbour", "--package", "nosuch=x"), 2, "package.nosuch"),
    Command(("phase", "harbour"), 2, "phasing"),
    Command(("phase", "regional", "--periods", "0"), 2, "--periods"),
    Command(("phase", "regional", "--budget", "lots"), 2, "--budget"),
    Command(("phase", "regional", "--budget", ",,,"), 2, "--budget"),
    Command(("phase", "regional", "--carry-over", "2"), 2, "--carry-over"),
    Command(("phase", "regional", "--discount", "-1"), 2, "--discount"),
    Command(("phase", "regional", "--first-gain-by", "99"), 2, "first_gain_by"),
    Command(("phase", "regional", "--value-by", "3"), 2, "--value-by"),
    Command(("phase", "regional", "--formulation", "bigm"), 2, "--formulation"),
    Command(("phase", "regional", "--gantt", "/no/such/dir/g.png"), 2, "--gantt"),
    Command(("phase", "regional", "--gantt", "/proc/gantt.png"), 2, "--gantt"),
    Command(("phase", "regional", "--gantt", "{tmp}/folder.png"), 2, "--gantt"),
    Command(("phase", "regional", "--spend-chart", "spend.docx"), 2, "--spend-chart"),
    Command(("demo", "--json", "extra"), 2, "extra"),
    Command(("nosuchcommand",), 2, "nosuchcommand"),
    Command((), 2, "COMMAND"),
]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-cli")
    (folder / "case.txt").write_text("parties: {A: 0}\n")
    (folder / "folder.png").mkdir()
    return folder


def run_cli(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mutualgains", *argv], capture_output=True,
                          text=True, timeout=SECONDS, preexec_fn=_limit_memory, **kwargs)


@pytest.mark.parametrize("k", range(len(CLI)),
                         ids=[" ".join(c.argv)[:60] or "(nothing)" for c in CLI])
def test_hostile_command_line(scratch, k):
    command = CLI[k]
    argv = [a.replace("{tmp}", str(scratch)) for a in command.argv]
    out = run_cli(argv)
    assert out.returncode == command.status, out.stderr[-2000:]
    lines = out.stderr.splitlines()
    assert lines and all(line.startswith("error: ") for line in lines), lines
    assert command.place in out.stderr
    assert out.stdout == ""


def test_ctrl_c_under_the_limits(tmp_path):
    """Ctrl-C while HiGHS holds its thread (see tests/test_cli_errors.py for the details)."""
    path = tmp_path / "split.yaml"
    mg.save_case(market_split(5, 40), path)
    proc = subprocess.Popen([sys.executable, "-c", ANNOUNCE_SOLVE, "solve", str(path),
                             "--method", "mip", "--time-limit", "600"], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=_limit_memory_and_hear_ctrl_c)
    try:
        assert proc.stderr.readline() == "solving\n"
        time.sleep(1.0)  # well inside the solve
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=SECONDS)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == 130 and err == "interrupted\n" and out == ""


def test_a_closed_pipe_under_the_limits():
    proc = subprocess.Popen([sys.executable, "-m", "mutualgains", "frontier", "harbour",
                             "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=_limit_memory)
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=SECONDS) == 0 and err == b""


def test_the_corpus_is_large_enough():
    assert len(API) + len(CLI) + 2 >= 50


# ------------------------------------------------------------------ notebook safety

PARTY = '<img src=x onerror=alert("p{}")>'
ISSUE = "<script>alert('i{}')</script>"
OPTION = "<b onmouseover=alert('o{}')>o{}</b>"
TAGS = ("<img", "<script", "<iframe", "<svg", "<b onmouseover")


def _rename(data, names: dict[str, str]):
    if isinstance(data, dict):
        return {names.get(k, k): _rename(v, names) for k, v in data.items()}
    if isinstance(data, list):
        return [_rename(v, names) for v in data]
    return names.get(data, data) if isinstance(data, str) else data


def hostile(case: mg.Case, *, options: bool = True) -> tuple[mg.Case, dict[str, str]]:
    """``case`` with every party, issue (and option) named to run script if not escaped."""
    names = {p: PARTY.format(k) for k, p in enumerate(case.party_names)}
    names.update({i.name: ISSUE.format(k) for k, i in enumerate(case.issues)})
    if options:
        every = dict.fromkeys(o for i in case.issues for o in i.options)
        names.update({o: OPTION.format(k, k) for k, o in enumerate(every)})
    data = _rename(case_to_dict(case), names)
    data["name"] = "<iframe src=javascript:alert(0)>"
    data["description"] = "<svg onload=alert(1)>"
    return case_from_dict(data), names


@pytest.fixture(scope="module")
def cases() -> dict:
    harbour, names = hostile(mg.load_example("harbour"))
    regional, _ = hostile(mg.load_example("regional"), options=False)
    package = {names[i]: names[o] for i, o in mg.solve(mg.load_example("harbour")).package.items()}
    return {"harbour": harbour, "regional": regional, "package": package}


def _noisy(cases: dict) -> mg.Case:
    return mg.with_noise(cases["harbour"], 0.1)


BUILDERS = {
    "Case": lambda c: c["harbour"],
    "SolveResult": lambda c: mg.solve(c["harbour"]),
    "Frontier": lambda c: mg.pareto_frontier(c["harbour"]),
    "Alternatives": lambda c: mg.alternatives(c["harbour"], 3),
    "Improvement": lambda c: mg.improve(c["harbour"], c["package"]),
    "Amendment": lambda c: mg.amend(c["harbour"], c["package"], c["harbour"].party_names[2]),
    "Explanation": lambda c: mg.explain(c["harbour"], c["package"]),
    "Compensation": lambda c: mg.compensate(c["harbour"], c["package"]),
    "AgendaValue": lambda c: mg.agenda_value(c["harbour"], c["harbour"].issue_names[3]),
    "PhaseResult": lambda c: mg.phase(c["regional"], mg.solve(c["regional"]).package),
    "DealReview": lambda c: mg.review_deal(c["harbour"], c["package"]),
    "Offers": lambda c: mg.equivalent_offers(c["harbour"], c["harbour"].party_names[0], 2),
    "LearnedPriorities": lambda c: mg.learn_priorities(c["harbour"], c["harbour"].party_names[0],
                                                       accepted=[c["package"]]),
    "Export": lambda c: mg.Export("GENIUS", Path("out"), (Path("out/domain.xml"),),
                                  {p: mg.UtilityMap(0, 1) for p in c["harbour"].party_names},
                                  dropped=(c["harbour"].party_names[0],)),
    "Acceptance": lambda c: mg.acceptance(_noisy(c), c["package"], samples=50),
    "Importance": lambda c: mg.importance(_noisy(c), c["package"], samples=50),
    "StabilityRadius": lambda c: mg.stability_radius(c["harbour"], c["package"]),
    "RankAcceptability": lambda c: mg.rank_acceptability(_noisy(c), 2, samples=50),
    "RobustPackage": lambda c: mg.robust_package(_noisy(c), samples=10, validate=50),
    "SampledOptima": lambda c: mg.sampled_optima(_noisy(c), 5),
    "SweepResult": lambda c: mg.sweep(c["harbour"], [{"id": "<script>alert(2)</script>"}]),
    "Allocation": lambda c: mg.share(c["harbour"], "shapley"),
    "Settlement": lambda c: mg.share(c["regional"], "scrb").settlement,
    "ShareComparison": lambda c: mg.compare_shares(c["regional"], ["core", "scrb"]),
}
"""How to build each class that has a ``_repr_html_``, from the hostile cases."""


def _html_classes() -> list[str]:
    found = set()
    for _, name, _ in pkgutil.walk_packages(mg.__path__, "mutualgains."):
        if name.endswith("__main__"):
            continue
        module = importlib.import_module(name)
        found |= {cls.__name__ for cls in vars(module).values()
                  if inspect.isclass(cls) and cls.__module__ == name
                  and "_repr_html_" in vars(cls)}
    return sorted(found)


NAMELESS = {"RankAcceptability"}
"""Results whose HTML shows numbers only (candidates by rank): nothing to escape."""


def assert_escaped(html: str, names_shown: bool = True) -> None:
    lowered = html.lower()
    for tag in TAGS:
        assert tag not in lowered, (tag, html[max(0, lowered.find(tag) - 80):][:200])
    if names_shown:
        assert "&lt;" in html  # the names are shown, escaped


@pytest.mark.parametrize("name", _html_classes())
def test_every_html_repr_escapes_every_name(cases, name):
    if name not in BUILDERS:
        pytest.fail(f"{name} has a _repr_html_: add a builder to BUILDERS")
    obj = BUILDERS[name](cases)
    assert type(obj).__name__ == name
    assert_escaped(obj._repr_html_(), names_shown=name not in NAMELESS)


@pytest.mark.parametrize("table", ["concessions", "trades", "check_amendment", "agenda"])
def test_the_data_frames_the_api_returns_escape_names_in_notebooks(cases, table):
    case, package = cases["harbour"], cases["package"]
    frame = {"concessions": lambda: mg.concessions(case, package),
             "trades": lambda: mg.trades(case, package),
             "check_amendment": lambda: mg.check_amendment(case, package, package),
             "agenda": lambda: mg.agenda_value(case)}[table]()
    assert_escaped(frame._repr_html_())


def test_text_renderings_are_left_as_they_are(cases):
    """Terminals do not run markup: text keeps the names as they were written."""
    text = str(mg.solve(cases["harbour"]))
    assert PARTY.format(0) in text
