"""The MCP server, through the official SDK's client over stdio (one server for the module)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import sys
import threading
from pathlib import Path

import pytest

mcp = pytest.importorskip("mcp")
jsonschema = pytest.importorskip("jsonschema")

import mutualgains as mg  # noqa: E402
from mutualgains.mcpserver.server import TOOLS  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PROPOSAL = {"infrastructure": "water", "ecology": "maintain", "employment": "2:1 quota",
            "loan": "2 billion", "compensation": "300 million"}


class Client:
    """A ClientSession to ``python -m mutualgains mcp``, held open in a background loop."""

    def __init__(self, log: Path):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.log = log.open("w")
        self.ready: concurrent.futures.Future = concurrent.futures.Future()
        self.held = asyncio.run_coroutine_threadsafe(self._hold(), self.loop)
        self.session = self.ready.result(timeout=120)

    async def _hold(self) -> None:
        self.stop = asyncio.Event()
        params = mcp.StdioServerParameters(command=sys.executable,
                                           args=["-m", "mutualgains", "mcp"], cwd=str(ROOT))
        try:
            async with mcp.stdio_client(params, errlog=self.log) as (read, write), \
                    mcp.ClientSession(read, write) as session:
                await session.initialize()
                self.ready.set_result(session)
                await self.stop.wait()
        except BaseException as err:
            if not self.ready.done():
                self.ready.set_exception(err)
            raise

    def run(self, coroutine, timeout: float = 300):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=timeout)

    def call(self, name: str, arguments: dict, progress=None):
        return self.run(self.session.call_tool(name, arguments, progress_callback=progress))

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.stop.set)
        self.held.result(timeout=60)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=30)
        self.log.close()


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    c = Client(tmp_path_factory.mktemp("mcp") / "server.log")
    yield c
    c.close()


@pytest.fixture(scope="module")
def tools(client):
    return {t.name: t for t in client.run(client.session.list_tools()).tools}


def _ok(client, tools, name: str, arguments: dict, progress=None) -> dict:
    result = client.call(name, arguments, progress)
    assert not result.is_error, result.content[0].text
    jsonschema.validate(result.structured_content, tools[name].output_schema)
    assert json.loads(result.content[0].text) == result.structured_content
    return result.structured_content


def _error(client, name: str, arguments: dict) -> str:
    result = client.call(name, arguments)
    assert result.is_error
    return result.content[0].text


def test_the_tools_are_listed_with_schemas(tools):
    assert sorted(tools) == sorted(TOOLS)
    for tool in tools.values():
        assert "case" in tool.input_schema["required"]
        assert tool.output_schema["type"] == "object"
        assert tool.description
        assert tool.annotations.read_only_hint is True


def test_describe_and_solve(client, tools):
    described = _ok(client, tools, "describe_case", {"case": "harbour"})
    assert described["n_packages"] == 432 and len(described["parties"]) == 5
    assert described["decision_rule"].startswith("at least 4 of 5")
    solved = _ok(client, tools, "solve", {"case": "harbour", "objective": "nash"})
    assert solved == json.loads(json.dumps(mg.solve(mg.load_example("harbour"), "nash")
                                           .to_dict())) | {"seconds": solved["seconds"]}


def test_frontier_reports_progress(client, tools):
    seen = []

    async def progress(done, total, message):
        seen.append((done, message))

    data = _ok(client, tools, "frontier", {"case": "harbour", "parties": ["Port", "City"]},
               progress)
    assert data["status"] == "complete" and len(data["points"]) == 6
    # the exact set arrives at once (no solver runs), so progress reports its count once
    assert [d for d, _ in seen] == [6.0]
    assert "points found" in seen[0][1]
    seen.clear()
    data = _ok(client, tools, "frontier", {"case": "harbour", "parties": ["Port", "City"],
                                           "method": "mip"}, progress)
    assert len(data["points"]) == 6
    assert [d for d, _ in seen] == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]  # a point per program


def test_explain_offers_learn_review_phase(client, tools):
    why = _ok(client, tools, "explain", {"case": "harbour", "package": PROPOSAL})
    assert why["agreement"] is True and "Environmental League" in why["shortfalls"]
    offers = _ok(client, tools, "equivalent_offers", {"case": "harbour", "party": "Port",
                                                      "k": 3, "tolerance": 1})
    assert len(offers["offers"]) == 3 and offers["party"] == "Port"
    mediator = _ok(client, tools, "equivalent_offers", {"case": "harbour", "k": 2,
                                                        "tolerance": 10, "at": "best"})
    assert mediator["party"] is None and mediator["focus"] == "joint gain"
    learned = _ok(client, tools, "learn_priorities", {
        "case": "harbour", "party": "Port", "accepted": [PROPOSAL],
        "preferred": [[PROPOSAL, {**PROPOSAL, "infrastructure": "land"}]]})
    assert learned["consistent"] is True and learned["next_question"] is not None
    steps = []

    async def progress(done, total, message):
        steps.append((done, total))

    review = _ok(client, tools, "review_deal", {"case": "harbour", "package": PROPOSAL},
                 progress)
    assert review["pareto_optimal"] is False and sum(review["left_on_table"].values()) == 45
    assert steps and steps[-1][0] == steps[-1][1]
    plan = _ok(client, tools, "phase", {"case": "regional"})
    assert plan["status"] == "optimal" and plan["periods"] == 10


def test_cases_as_text_and_paths(client, tools):
    text = "parties: {A: 1, B: 1}\nissues: {i: [x, y]}\nscores: {A: {i: [2, 3]}, B: {i: [3, 2]}}"
    assert _ok(client, tools, "solve", {"case": text})["objective_value"] == 3
    as_json = json.dumps(mg.load_example("harbour").to_dict())
    assert _ok(client, tools, "solve", {"case": as_json})["objective_value"] == 114
    path = ROOT / "mutualgains" / "data" / "regional.yaml"
    assert _ok(client, tools, "describe_case", {"case": str(path)})["name"].startswith(
        "Regional")


def test_bad_input_is_a_tool_error_naming_the_problem(client, tools):
    assert "case: must be an example name" in _error(client, "solve", {"case": "nowhere.yaml"})
    assert "malformed YAML" in _error(client, "solve", {"case": "parties: [a\nissues: {"})
    text = _error(client, "solve", {"case": "parties: {A: nan}\nissues: {i: []}"})
    assert "issues.i: must have at least one option" in text
    assert "package.loan: unknown option" in _error(
        client, "review_deal", {"case": "harbour", "package": {**PROPOSAL, "loan": "lots"}})
    assert "objective" in _error(client, "solve", {"case": "harbour", "objective": "best"})
    assert "unknown party" in _error(client, "equivalent_offers", {"case": "harbour",
                                                                   "party": "Nobody"})
    assert "k" in _error(client, "equivalent_offers", {"case": "harbour", "k": "many"})
    # the server is still there
    assert _ok(client, tools, "solve", {"case": "harbour"})["objective_value"] == 114
