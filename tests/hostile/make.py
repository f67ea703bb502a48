"""Build the hostile inputs that cannot be checked in: special files (FIFOs, devices, sockets,
links), files too large to keep in the repository (sparse files, millions of values), Excel
workbooks (written with openpyxl, then edited as zips), and GENIUS and scorable folders.

``build(root)`` writes them all under ``root``, at the paths that ``manifest.yaml`` names
(relative to the corpus folder). Run ``python tests/hostile/make.py DIR`` to look at them.
"""

from __future__ import annotations

import io
import os
import re
import socket
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

BUILDERS: dict[str, Callable[[Path], None]] = {}


def builder(name: str) -> Callable:
    """Register a builder for the entry (file or folder) ``name``."""

    def register(make: Callable[[Path], None]) -> Callable[[Path], None]:
        BUILDERS[name] = make
        return make

    return register


def build(root: Path) -> list[str]:
    """Write every generated entry under ``root``; return the names of those built.

    An entry whose kind this platform cannot make (a FIFO or a socket on Windows)
    is left out; the test skips it with a reason.
    """
    built = []
    for name, make in BUILDERS.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            make(path)
        except (AttributeError, NotImplementedError, OSError):  # no mkfifo, no AF_UNIX...
            continue
        built.append(name)
    return built


def _sparse(path: Path, size: int, head: bytes = b"") -> None:
    """A file of ``size`` bytes that takes no space on disk (a hole after ``head``)."""
    with path.open("wb") as fh:
        fh.write(head)
        fh.truncate(size)


OK_YAML = ("parties: {A: {batna: 0}, B: {batna: 0}}\nissues: {i: [x, y]}\n"
           "scores: {A: {i: [1, 2]}, B: {i: [2, 1]}}\n")
TOO_LARGE = 40 * 2**20  # beyond limits.MAX_FILE_BYTES


# ------------------------------------------------------------------ special files


@builder("special/fifo.yaml")
def _fifo_yaml(path: Path) -> None:
    os.mkfifo(path)


@builder("special/fifo.json")
def _fifo_json(path: Path) -> None:
    os.mkfifo(path)


@builder("special/fifo.xlsx")
def _fifo_xlsx(path: Path) -> None:
    os.mkfifo(path)


@builder("special/dev_zero.yaml")
def _dev_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


@builder("special/dev_urandom.json")
def _dev_urandom(path: Path) -> None:
    path.symlink_to("/dev/urandom")


@builder("special/socket.yaml")
def _socket(path: Path) -> None:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))  # the name stays after the socket is closed
    server.close()


@builder("special/dangling_link.yaml")
def _dangling(path: Path) -> None:
    path.symlink_to("nowhere.yaml")  # relative to the link: a name that does not exist


@builder("special/link_loop.yaml")
def _loop(path: Path) -> None:
    other = path.parent / "link_loop_back.yaml"
    path.symlink_to(other.name)
    other.symlink_to(path.name)


@builder("special/folder.yaml")
def _folder_named_yaml(path: Path) -> None:
    path.mkdir()


@builder("special/huge.yaml")
def _huge_yaml(path: Path) -> None:
    _sparse(path, TOO_LARGE, OK_YAML.encode())


@builder("special/huge.json")
def _huge_json(path: Path) -> None:
    _sparse(path, TOO_LARGE, b"{}")


@builder("special/case.txt")
def _txt(path: Path) -> None:
    path.write_text(OK_YAML)


@builder("special/no_suffix")
def _no_suffix(path: Path) -> None:
    path.write_text(OK_YAML)


# ----------------------------------------------------------------- large inputs


@builder("big/too_many_values.json")
def _too_many_values(path: Path) -> None:  # limits.MAX_NODES + 1 values, 10 MB
    path.write_text('{"parties": {"A": 0}, "issues": {"i": ["x"]}, "name": "x", '
                    '"description": "", "scores": {"A": {"i": [' + "0," * 5_000_000 + "0]}}}")


@builder("big/one_issue_too_many_options.json")
def _too_many_options(path: Path) -> None:  # limits.MAX_OPTIONS + 1 options in one issue
    path.write_text('{"parties": {"A": 0}, "issues": {"i": [' +
                    ",".join(f'"{k}"' for k in range(1_000_001)) + "]}}")


@builder("big/too_many_options_in_all.json")
def _options_in_all(path: Path) -> None:  # 200,001 issues of 5 options: more than 1,000,000
    issues = ", ".join(f'"i{k}": ["a", "b", "c", "d", "e"]' for k in range(200_001))
    path.write_text('{"parties": {"A": 0}, "issues": {' + issues + "}}")


@builder("big/too_many_scores.json")
def _score_cells(path: Path) -> None:  # 100,001 parties x 200 options > MAX_SCORE_CELLS
    parties = ", ".join(f'"p{k}": 0' for k in range(100_001))
    options = ", ".join(f'"o{k}"' for k in range(200))
    path.write_text('{"parties": {' + parties + '}, "issues": {"i": [' + options + "]}}")


@builder("big/many_problems.json")
def _many_problems(path: Path) -> None:  # 100,000 unknown options, each reported
    scores = ", ".join(f'"z{k}": 1' for k in range(100_000))
    path.write_text('{"parties": {"A": 0}, "issues": {"i": ["x"]}, '
                    '"scores": {"A": {"i": {' + scores + "}}}}")


@builder("big/long_requires_chain.yaml")
def _requires_chain(path: Path) -> None:  # the ruled-out search hits its step limit
    n = 800
    lines = ["parties: {A: 0}", "issues:"] + [f"  i{k}: [out, in]" for k in range(n)]
    lines += ["scores:", "  A: {" + ", ".join(f"i{k}: [1, 0]" for k in range(n)) + "}",
              "requires:"]
    lines += [f"  - {{option: {{i{k}: in}}, needs: {{i{k + 1}: in}}}}" for k in range(n - 1)]
    path.write_text("\n".join(lines) + "\n")


# ---------------------------------------------------------------- Excel workbooks


def _workbook(sheets: dict[str, list[tuple]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _base(**changes: list[tuple]) -> dict[str, list[tuple]]:
    sheets = {
        "parties": [("party", "batna"), ("Port", 1), ("City", 0)],
        "scores": [("party", "issue", "option", "score"), ("Port", "tunnel", "out", 0),
                   ("Port", "tunnel", "in", 5), ("City", "tunnel", "out", 2),
                   ("City", "tunnel", "in", 3)],
    }
    sheets.update(changes)
    return sheets


def _edit(raw: bytes, edit: Callable[[str, bytes], bytes]) -> bytes:
    """``raw`` (an xlsx) with every part passed through ``edit(name, data)``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, edit(item.filename, source.read(item.filename)))
    return out.getvalue()


def _cache_formulas(name: str, data: bytes) -> bytes:
    """Give every formula cell the value Excel would have computed (sums of literals)."""
    if not name.startswith("xl/worksheets/"):
        return data

    def cached(match: re.Match) -> str:
        formula = match.group(1)
        value = sum(float(x) for x in re.findall(r"[\d.]+", formula))
        return f"<f>{formula}</f><v>{value:g}</v>"

    return re.sub(r"<f>(.*?)</f>(?:<v\s*/>|<v></v>)?", cached, data.decode()).encode()


@builder("xlsx/formula_score.xlsx")
def _formula_score(path: Path) -> None:
    sheets = _base()
    sheets["scores"][2] = ("Port", "tunnel", "in", "=10+4")
    path.write_bytes(_workbook(sheets))


@builder("xlsx/formula_batna.xlsx")
def _formula_batna(path: Path) -> None:
    path.write_bytes(_workbook(_base(parties=[("party", "batna"), ("Port", "=2*3"),
                                              ("City", 0)])))


@builder("xlsx/formula_party_name.xlsx")
def _formula_name(path: Path) -> None:
    path.write_bytes(_workbook(_base(parties=[("party", "batna"), ("Port", 1),
                                              ('=UPPER("city")', 0)])))


@builder("xlsx/formula_setting.xlsx")
def _formula_setting(path: Path) -> None:
    path.write_bytes(_workbook(_base(settings=[("key", "value"), ("margin", "=1/2")])))


@builder("xlsx/formula_cached.xlsx")
def _formula_cached(path: Path) -> None:  # formulas with computed values read as their values
    sheets = _base()
    sheets["scores"][2] = ("Port", "tunnel", "in", "=10+4")
    path.write_bytes(_edit(_workbook(sheets), _cache_formulas))


@builder("xlsx/not_a_zip.xlsx")
def _not_zip(path: Path) -> None:
    path.write_text("party,batna\nPort,1\n")


@builder("xlsx/random_bytes.xlsx")
def _random_xlsx(path: Path) -> None:
    path.write_bytes(bytes((k * 7919 + 13) % 256 for k in range(4096)))


@builder("xlsx/empty.xlsx")
def _empty_xlsx(path: Path) -> None:
    path.write_bytes(b"")


@builder("xlsx/truncated.xlsx")
def _truncated(path: Path) -> None:
    raw = _workbook(_base())
    path.write_bytes(raw[: len(raw) // 2])


@builder("xlsx/zip_bomb.xlsx")
def _zip_bomb(path: Path) -> None:  # 300 MB of zeros in a 300 KB part
    raw = _workbook(_base())

    def add(target: zipfile.ZipFile) -> None:
        info = zipfile.ZipInfo("xl/media/zeros.bin")
        info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(info, "w", force_zip64=True) as fh:
            chunk = bytes(2**20)
            for _ in range(300):
                fh.write(chunk)

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        add(target)
    path.write_bytes(out.getvalue())


@builder("xlsx/entity_bomb.xlsx")
def _entity_bomb(path: Path) -> None:
    dtd = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
           '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>')

    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            return dtd.encode() + re.sub(rb"^<\?xml[^>]*\?>", b"", data)
        return data

    path.write_bytes(_edit(_workbook(_base()), edit))


@builder("xlsx/far_away_cell.xlsx")
def _far_cell(path: Path) -> None:
    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet2.xml":  # scores
            return data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="n">'
                                b"<v>1</v></c></row></sheetData>")
        return data

    path.write_bytes(_edit(_workbook(_base()), edit))


@builder("xlsx/row_one_hundred_million.xlsx")
def _far_row(path: Path) -> None:
    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet2.xml":
            return data.replace(b"</sheetData>", b'<row r="100000000"><c r="A100000000" '
                                b't="n"><v>1</v></c></row></sheetData>')
        return data

    path.write_bytes(_edit(_workbook(_base()), edit))


@builder("xlsx/score_1e16.xlsx")
def _score_1e16(path: Path) -> None:
    sheets = _base()
    sheets["scores"][2] = ("Port", "tunnel", "in", 1e16)
    path.write_bytes(_workbook(sheets))


@builder("xlsx/error_value.xlsx")
def _error_value(path: Path) -> None:
    sheets = _base()
    sheets["scores"][2] = ("Port", "tunnel", "in", "#DIV/0!")
    path.write_bytes(_workbook(sheets))


@builder("xlsx/no_known_sheet.xlsx")
def _no_known_sheet(path: Path) -> None:
    path.write_bytes(_workbook({"Sheet1": [("party", "batna"), ("Port", 1)]}))


@builder("xlsx/periods_ten_million.xlsx")
def _xlsx_periods(path: Path) -> None:
    path.write_bytes(_workbook(_base(phasing=[("key", "value"), ("periods", 10_000_000),
                                              ("budget", 5)])))


@builder("xlsx/budget_key_ten_million.xlsx")
def _xlsx_budget_key(path: Path) -> None:
    path.write_bytes(_workbook(_base(phasing=[("key", "value"), ("budget_10000000", 5)])))


# ---------------------------------------------------------------- GENIUS folders

DOMAIN = ('<negotiation_template><utility_space><objective index="0" name="d">'
          '<issue index="1" name="food" type="discrete"><item value="soup"/><item value="salad"/>'
          '</issue><issue index="2" name="n" type="integer" lowerbound="0" upperbound="3"/>'
          "</objective></utility_space></negotiation_template>")


def _profile(reservation: str = "0.2") -> str:
    return ('<utility_space><objective index="0"><issue index="1" name="food" type="discrete">'
            '<item value="soup" evaluation="4"/><item value="salad" evaluation="2"/></issue>'
            '<issue index="2" name="n" type="integer" lowerbound="0" upperbound="3">'
            '<evaluator ftype="linear" slope="0.25" offset="0.25"/></issue>'
            '<weight index="1" value="3"/><weight index="2" value="1"/></objective>'
            f'<reservation value="{reservation}"/></utility_space>')


def _genius(path: Path, files: dict[str, str | bytes | None]) -> None:
    """A GENIUS folder: the domain, profile a.xml, and ``files`` (None: made elsewhere)."""
    path.mkdir()
    contents = {"domain.xml": DOMAIN, "a.xml": _profile(), **files}
    for name, text in contents.items():
        if text is None:
            continue
        target = path / name
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")


@builder("genius/random_bytes_profile")
def _g_random(path: Path) -> None:
    _genius(path, {"b.xml": bytes((k * 7919 + 13) % 256 for k in range(2048))})


@builder("genius/other_root_profile")
def _g_other_root(path: Path) -> None:
    _genius(path, {"b.xml": "<utility_spaces><objective/></utility_spaces>"})


@builder("genius/text_profile")
def _g_text(path: Path) -> None:
    _genius(path, {"b.xml": "this profile was pasted from an e-mail\n"})


@builder("genius/subfolder")
def _g_subfolder(path: Path) -> None:
    _genius(path, {})
    (path / "more profiles").mkdir()
    (path / "more profiles" / "b.xml").write_text(_profile())


@builder("genius/stray_json")
def _g_json(path: Path) -> None:
    _genius(path, {"b.json": '{"LinearAdditiveUtilitySpace": {}}'})


@builder("genius/backup_profile")
def _g_backup(path: Path) -> None:
    _genius(path, {"b.xml~": _profile()})


@builder("genius/fifo_profile")
def _g_fifo(path: Path) -> None:
    _genius(path, {})
    os.mkfifo(path / "b.xml")


@builder("genius/dev_zero_profile")
def _g_zero(path: Path) -> None:
    _genius(path, {})
    (path / "b.xml").symlink_to("/dev/zero")


@builder("genius/entity_bomb_profile")
def _g_bomb(path: Path) -> None:
    entities = "".join(f'<!ENTITY e{k} "' + f"&e{k - 1};" * 10 + '">' for k in range(1, 10))
    _genius(path, {"b.xml": f'<?xml version="1.0"?>\n<!DOCTYPE u [<!ENTITY e0 "lol">'
                            f'{entities}]>\n<utility_space>&e9;</utility_space>'})


@builder("genius/deep_profile")
def _g_deep(path: Path) -> None:
    _genius(path, {"b.xml": "<utility_space>" + "<o>" * 100_000 + "</o>" * 100_000 +
                            "</utility_space>"})


@builder("genius/many_elements")
def _g_many(path: Path) -> None:
    _genius(path, {"b.xml": "<utility_space>" + "<x/>" * 100_001 + "</utility_space>"})


@builder("genius/huge_profile")
def _g_huge(path: Path) -> None:
    _genius(path, {})
    _sparse(path / "b.xml", TOO_LARGE, b"<utility_space>")


@builder("genius/extras_are_ignored")
def _g_extras(path: Path) -> None:
    _genius(path, {"b.xml": _profile("0.1"), "pareto.xml": "\n0.5, 1.0\n1.0, 0.5\n",
                   "frontier.xml": "<pareto/>", "readme.txt": "notes", "README.md": "# d",
                   ".DS_Store": bytes(16)})


@builder("genius/two_domains")
def _g_two(path: Path) -> None:
    _genius(path, {"domain2.xml": DOMAIN})


@builder("genius/no_domain")
def _g_no_domain(path: Path) -> None:
    path.mkdir()
    (path / "a.xml").write_text(_profile())


@builder("genius/reservation_1e16")
def _g_reservation(path: Path) -> None:
    _genius(path, {"b.xml": _profile("1e16")})


@builder("genius/integer_issue_huge")
def _g_integer(path: Path) -> None:
    _genius(path, {"domain.xml": DOMAIN.replace('upperbound="3"', 'upperbound="1000000000000"')})


@builder("genius/utf16_profile")
def _g_utf16(path: Path) -> None:  # valid XML in UTF-16 with a byte order mark
    _genius(path, {"b.xml": ('<?xml version="1.0" encoding="UTF-16"?>' + _profile())
                   .encode("utf-16")})


@builder("genius/geniusweb_like_broken")
def _g_web(path: Path) -> None:  # GeniusWeb's JSON layout, broken: no reader may guess it
    path.mkdir()
    (path / "domain.json").write_text('{"name": "d", "issuesValues": {"food": ')
    (path / "profile1.json").write_text('{"LinearAdditiveUtilitySpace": {"domain": ')


# -------------------------------------------------------------- scorable folders


def _scorable(path: Path, scores: dict[str, str] | None = None,
              config: str = "Port,port,p1,x\nCity,city,p2,x\n") -> Path:
    (path / "scores_files").mkdir(parents=True)
    (path / "config.txt").write_text(config)
    for stem, text in (scores or {"port": "0, 10\n5, 0, 2\n6", "city": "10, 0\n0, 5, 5\n5"}
                       ).items():
        if text is not None:
            (path / "scores_files" / f"{stem}.txt").write_text(text)
    return path


@builder("scorable/stray_scores_file")
def _s_stray(path: Path) -> None:  # config.txt names two of the three parties
    _scorable(path, {"port": "0, 10\n5, 0, 2\n6", "city": "10, 0\n0, 5, 5\n6",
                     "union": "4, 4\n0, 0, 9\n6"})


@builder("scorable/stray_top_file")
def _s_top(path: Path) -> None:
    _scorable(path)
    (path / "notes.docx").write_bytes(b"PK\x03\x04")


@builder("scorable/fifo_config")
def _s_fifo_config(path: Path) -> None:
    (path / "scores_files").mkdir(parents=True)
    os.mkfifo(path / "config.txt")


@builder("scorable/fifo_scores_file")
def _s_fifo_scores(path: Path) -> None:
    _scorable(path, {"port": "0, 10\n5, 0, 2\n6", "city": None})
    os.mkfifo(path / "scores_files" / "city.txt")


@builder("scorable/binary_scores_file")
def _s_binary(path: Path) -> None:
    _scorable(path, {"port": "0, 10\n5, 0, 2\n6", "city": None})
    (path / "scores_files" / "city.txt").write_bytes(bytes(range(128, 256)))


@builder("scorable/threshold_1e16")
def _s_threshold(path: Path) -> None:
    _scorable(path, {"port": "0, 10\n5, 0, 2\n6", "city": "10, 0\n0, 5, 5\n1e16"})


@builder("scorable/nan_score")
def _s_nan(path: Path) -> None:
    _scorable(path, {"port": "0, nan\n5, 0, 2\n6", "city": "10, 0\n0, 5, 5\n5"})


@builder("scorable/huge_scores_file")
def _s_huge(path: Path) -> None:
    _scorable(path, {"port": "0, 10\n5, 0, 2\n6", "city": None})
    _sparse(path / "scores_files" / "city.txt", TOO_LARGE, b"1, 2\n")


@builder("scorable/extras_are_ignored")
def _s_extras(path: Path) -> None:
    _scorable(path)
    (path / "individual_instructions" / "cooperative").mkdir(parents=True)
    (path / "individual_instructions" / "cooperative" / "port.txt").write_text("be nice")
    (path / "README.md").write_text("# a game")
    (path / "global_instructions.txt").write_text('Issue A: "Dredging"\nIssue B: "Park"\n')


if __name__ == "__main__":
    target = Path(sys.argv[1])
    print("\n".join(build(target)))
