"""Scorable games (Harborco style): the six shared games and the reader's errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from mutualgains import CaseError, load_case
from mutualgains.io.scorable import is_scorable, read_scorable, read_scorable_deal

CASES = Path(__file__).resolve().parents[2] / "shared" / "cases"
SCORABLE = CASES / "scorable"

needs_data = pytest.mark.skipif(not SCORABLE.is_dir(),
                                reason=f"shared scorable games not found at {SCORABLE}")

# game -> (parties, issues, packages)
GAMES = {
    "base": (6, 5, 720),
    "base_7players": (7, 6, 2880),
    "base_rewritten": (6, 5, 720),
    "game1": (6, 5, 720),
    "game2": (6, 5, 720),
    "game3": (6, 5, 720),
}


# ------------------------------------------------------------ shared games


@needs_data
@pytest.mark.parametrize("game", sorted(GAMES))
def test_game_loads(game):
    folder = SCORABLE / game
    assert is_scorable(folder)
    case = read_scorable(folder)
    n_parties, n_issues, n_packages = GAMES[game]
    assert len(case.parties) == n_parties
    assert len(case.issues) == n_issues
    assert case.n_packages == n_packages
    assert case.min_parties == n_parties - 1
    assert len(case.decision_rule.veto) == 2
    assert case.name == game
    assert "S-Abdelnabi/LLM-Deliberation" in case.description
    assert "MIT" in case.description
    for k, issue in enumerate(case.issues):
        letter = "ABCDEF"[k]
        assert issue.options == tuple(f"{letter}{j}" for j in range(1, len(issue.options) + 1))
    assert load_case(folder) == case


@needs_data
@pytest.mark.parametrize("game", sorted(GAMES))
def test_game_deal_is_valid(game):
    case = read_scorable(SCORABLE / game)
    deal = read_scorable_deal(SCORABLE / game)
    assert list(deal) == list(case.issue_names)
    case.package_indices(deal)  # raises when invalid
    assert set(case.utilities(deal)) == set(case.party_names)


@needs_data
def test_base_scores_against_raw_files():
    case = read_scorable(SCORABLE / "base")
    assert case.party_names == ("Mayor", "Other cities", "Local Labour Union", "SportCo",
                                "Department of Tourism", "Environmental League")
    assert case.issue_names == ("Infrastructure Mix", "Ecological Impact", "Employment Rules",
                                "Federal Loan", "Compensation to other cities")
    assert case.party("SportCo").batna == 55
    assert case.party("Department of Tourism").batna == 65
    assert case.party("Mayor").batna == 30  # "30 " with a trailing space
    assert case.score("Department of Tourism", "Federal Loan", "D3") == 40
    assert case.scores["SportCo"]["Compensation to other cities"] == (0, 5, 10, 15, 23)
    assert case.scores["Other cities"]["Compensation to other cities"] == (60, 45, 30, 15, 0)
    assert case.scores["Environmental League"]["Employment Rules"] == (0, 0, 0, 0)
    assert case.veto_parties == ("SportCo", "Department of Tourism")
    assert case.party("SportCo").veto and not case.party("Mayor").veto
    assert case.min_parties == 5
    assert read_scorable_deal(SCORABLE / "base") == {
        "Infrastructure Mix": "A1", "Ecological Impact": "B1", "Employment Rules": "C4",
        "Federal Loan": "D1", "Compensation to other cities": "E5"}


@needs_data
def test_titles_in_every_style():
    rewritten = read_scorable(SCORABLE / "base_rewritten")
    assert rewritten.issue_names[3] == 'Compensation to "neighbouring cities"'
    assert rewritten.issue_names[0] == "Government Grant"
    assert rewritten.veto_parties == ("Ministry of Culture and Sport", "Eventix")
    game1 = read_scorable(SCORABLE / "game1")  # '- Issue B: "Budget". Four possible ...'
    assert game1.issue_names == ("Location", "Budget", "The environmental measures",
                                 "The social impact assessment", "The profit-sharing scheme")
    game3 = read_scorable(SCORABLE / "game3")  # unquoted titles: the letters
    assert game3.issue_names == ("A", "B", "C", "D", "E")
    assert [len(i.options) for i in game3.issues] == [4, 3, 4, 5, 3]


@needs_data
def test_root_folder_is_not_a_game():
    assert not is_scorable(SCORABLE)


# ------------------------------------------------------- synthetic games


def make_game(folder: Path, *, config: str | None = None, scores: dict[str, str] | None = None,
              instructions: str | None = None, deal: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "scores_files").mkdir(exist_ok=True)
    if config is None:
        config = "Port,port,p1,greedy,gpt\nCity,city,p2,greedy,gpt\nUnion,union,player,x,y"
    (folder / "config.txt").write_text(config, encoding="utf-8")
    if scores is None:
        scores = {"port": "0, 10\n5, 0, 2\n12", "city": "10, 0 \n0, 5, 5\n8 ",
                  "union": "4, 4\n\n0, 0, 9\n6\n\n"}
    for stem, text in scores.items():
        (folder / "scores_files" / f"{stem}.txt").write_text(text, encoding="utf-8")
    if instructions is not None:
        (folder / "global_instructions.txt").write_text(instructions, encoding="utf-8")
    if deal is not None:
        (folder / "initial_deal.txt").write_text(deal, encoding="utf-8")
    return folder


def problems_of(call, folder):
    with pytest.raises(CaseError) as info:
        call(folder)
    return info.value.problems


def test_synthetic_game(tmp_path):
    folder = make_game(tmp_path / "tiny", instructions='\nIssue A: "Dredging" \n'
                       '- Issue B: "Park". Two sizes...\nIssue A: "Ignored"\n', deal="A2, B1\n")
    case = read_scorable(folder)
    assert case.name == "tiny"
    assert case.issue_names == ("Dredging", "Park")
    assert case.scores["City"]["Dredging"] == (10, 0)
    assert case.scores["Union"]["Park"] == (0, 0, 9)
    assert case.party("City").batna == 8
    assert case.veto_parties == ("Port", "City")
    assert case.min_parties == 2
    assert read_scorable_deal(folder) == {"Dredging": "A2", "Park": "B1"}


def test_float_scores(tmp_path):
    folder = make_game(tmp_path / "g", scores={"port": "0.5, 1\n1, 2, 3\n1.5",
                                               "city": "1, 1\n1, 1, 1\n1",
                                               "union": "1, 1\n1, 1, 1\n1"})
    case = read_scorable(folder)
    assert case.scores["Port"]["A"] == (0.5, 1)
    assert case.party("Port").batna == 1.5


def test_titles_fall_back_to_letters(tmp_path):
    folder = make_game(tmp_path / "none")
    assert read_scorable(folder).issue_names == ("A", "B")
    folder = make_game(tmp_path / "clash", instructions='Issue A: "Same"\nIssue B: "Same"')
    assert read_scorable(folder).issue_names == ("A", "B")
    folder = make_game(tmp_path / "one", instructions='Issue B: "Park"')
    assert read_scorable(folder).issue_names == ("A", "Park")
    folder = make_game(tmp_path / "letter", instructions='Issue B: "A"')
    assert read_scorable(folder).issue_names == ("A", "B")
    folder = make_game(tmp_path / "open", instructions='Issue A: "never closed\nIssue B: Park')
    assert read_scorable(folder).issue_names == ("A", "B")


def test_is_scorable(tmp_path):
    assert not is_scorable(tmp_path)
    assert not is_scorable(tmp_path / "missing")
    (tmp_path / "config.txt").write_text("A,a,p1")
    assert not is_scorable(tmp_path)
    (tmp_path / "scores_files").mkdir()
    assert is_scorable(tmp_path)


def test_missing_config(tmp_path):
    problems = problems_of(read_scorable, tmp_path)
    assert len(problems) == 1
    assert problems[0].where == str(tmp_path / "config.txt")


def test_missing_scores_file(tmp_path):
    folder = make_game(tmp_path / "g", scores={"port": "1, 2\n1, 2, 3\n1",
                                               "city": "1, 2\n1, 2, 3\n1"})
    problems = problems_of(read_scorable, folder)
    assert [p.where for p in problems] == [str(folder / "scores_files" / "union.txt")]


def test_bad_numbers_name_file_and_line(tmp_path):
    folder = make_game(tmp_path / "g", scores={"port": "0, ten\n5, 0, 2\n12",
                                               "city": "1, 2\n1, nan, inf\n1",
                                               "union": "1, 2\n1, 2, 3\n6, 7"})
    problems = problems_of(read_scorable, folder)
    assert [p.where for p in problems] == [
        "scores_files/port.txt:1", "scores_files/city.txt:2", "scores_files/city.txt:2",
        "scores_files/union.txt:3"]
    assert problems[0].got == "'ten'"
    assert "threshold" in problems[3].rule


def test_shapes_must_agree(tmp_path):
    folder = make_game(tmp_path / "g", scores={"port": "0, 10\n5, 0, 2\n12",
                                               "city": "1, 2, 3\n1, 2, 3\n1",
                                               "union": "1, 2\n1, 2, 3\n1, 1\n1"})
    problems = problems_of(read_scorable, folder)
    assert [p.where for p in problems] == ["scores_files/city.txt:1", "scores_files/union.txt"]
    assert problems[0].got == "3"
    assert "scores_files/port.txt" in problems[0].rule


def test_short_scores_file(tmp_path):
    folder = make_game(tmp_path / "g", scores={"port": "12\n", "city": "", "union": "1\n2"})
    problems = problems_of(read_scorable, folder)
    assert [p.where for p in problems] == ["scores_files/port.txt", "scores_files/city.txt"]


def test_bad_config_lines(tmp_path):
    folder = make_game(tmp_path / "g", config="Port,port,p1\n\nPort,city,p2\nUnion,union\n"
                       ",x,player\n")
    problems = problems_of(read_scorable, folder)
    assert [p.where for p in problems] == ["config.txt:3", "config.txt:4", "config.txt:5"]
    assert "duplicate" in problems[0].rule


def test_empty_config(tmp_path):
    folder = make_game(tmp_path / "g", config="\n")
    assert [p.where for p in problems_of(read_scorable, folder)] == ["config.txt"]


def test_single_party_game(tmp_path):
    folder = make_game(tmp_path / "g", config="Port,port,p1", scores={"port": "1, 2\n1"})
    case = read_scorable(folder)
    assert case.min_parties == 1 and case.veto_parties == ("Port",)


def test_bad_deals(tmp_path):
    folder = make_game(tmp_path / "g")
    assert [p.where for p in problems_of(read_scorable_deal, folder)] == [
        str(folder / "initial_deal.txt")]
    for deal, wheres in [
        ("A1,B4", ["initial_deal.txt:1"]),                        # unknown option
        ("A1,C1,B1", ["initial_deal.txt:1"]),                     # unknown issue
        ("A1,A2,B1", ["initial_deal.txt:1"]),                     # issue chosen twice
        ("A1,b1", ["initial_deal.txt:1", "initial_deal.txt"]),  # not a code; B missing
        ("A1\n", ["initial_deal.txt"]),                           # missing issue B
        ("A1\nB0", ["initial_deal.txt:2"]),                       # B0 is no option of B
    ]:
        (folder / "initial_deal.txt").write_text(deal)
        assert [p.where for p in problems_of(read_scorable_deal, folder)] == wheres, deal
    (folder / "initial_deal.txt").write_text("A2\nB3 ,")
    assert read_scorable_deal(folder) == {"A": "A2", "B": "B3"}


def test_all_problems_at_once(tmp_path):
    folder = make_game(tmp_path / "g",
                       config="Port,port,p1\nCity,city,p2\nUnion,union,player\nLeague,league,x",
                       scores={"port": "0, 1\n5, 0, 2\n12",
                               "city": "1, 2\n1, 2\n1",
                               "union": "1, x\n1, 2, 3\n1"})
    problems = problems_of(read_scorable, folder)
    assert [p.where for p in problems] == [
        "scores_files/union.txt:1",
        str(folder / "scores_files" / "league.txt"),
        "scores_files/city.txt:2",
    ]
