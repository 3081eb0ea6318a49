"""Hostile and broken files given to ``pmo-opt import mspdi``: refused with one clear line and
exit 2, nothing written, no traceback; and the quirks of other tools' files accepted."""

from __future__ import annotations

from pathlib import Path

import pytest
from mspdi_builders import NS, assignment, project, resource, task, write

from pmo_opt.cli import main
from pmo_opt.inputs.mspdi.reader import duration_minutes, moment

SECRET = "TOP-SECRET-CONTENT"

EXTERNAL = f"""<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY leak SYSTEM "file://{{secret}}">]>
<Project xmlns="{NS}"><Title>&leak;</Title></Project>
"""
BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    + f']>\n<Project xmlns="{NS}"><Title>&lol9;</Title></Project>\n'
).replace("&lol0;", "&lol;")


def run(capsys, tmp_path: Path, path: Path) -> tuple[int, str]:
    out = tmp_path / "out"
    code = main(["import", "mspdi", str(path), "--out", str(out)])
    captured = capsys.readouterr()
    assert not out.exists(), "nothing is written for a refused file"
    assert "Traceback" not in captured.err
    return code, captured.err


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("bomb.xml", BOMB, "declares entities in a DTD"),
        ("empty.xml", "", "is empty"),
        ("blank.xml", "  \n", "is empty"),
        ("cut.xml", project([task(1, "A", 1, "2027-01-04", "2027-01-29")])[:120], "truncated"),
        ("feed.xml", '<?xml version="1.0"?><rss><channel/></rss>', "root element is <rss>"),
        ("notes.xml", "just some text, not XML", "is not well-formed XML"),
    ],
)
def test_refused_with_one_clear_line(capsys, tmp_path, name, content, expected):
    code, err = run(capsys, tmp_path, write(tmp_path, name, content))
    assert code == 2
    assert err.count("\n") == 1 and err.startswith(f"error: {name}: ")
    assert expected in err


def test_external_entity_is_refused_and_never_read(capsys, tmp_path):
    secret = write(tmp_path, "secret.txt", SECRET)
    path = write(tmp_path, "leak.xml", EXTERNAL.format(secret=secret))
    code, err = run(capsys, tmp_path, path)
    assert code == 2 and "refused, nothing was read" in err
    assert SECRET not in err


def test_binary_mpp_says_how_to_get_xml(capsys, tmp_path):
    path = tmp_path / "plan.mpp"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    code, err = run(capsys, tmp_path, path)
    assert code == 2
    assert "binary Microsoft Project file (.mpp)" in err
    assert "Save As" in err and "MPXJ" in err and "Java" in err


def test_a_workbook_is_not_a_schedule(capsys, tmp_path):
    path = tmp_path / "plan.xml"
    path.write_bytes(b"PK\x03\x04" + bytes(100))
    code, err = run(capsys, tmp_path, path)
    assert code == 2 and "zip file" in err


def test_missing_file(capsys, tmp_path):
    code, err = run(capsys, tmp_path, tmp_path / "nowhere.xml")
    assert code == 2 and "no such file" in err


def test_other_tools_quirks_no_namespace_no_summary_flag_dates_without_time(tmp_path, capsys):
    # no namespace, no <Summary> flags (the outline says which tasks are summaries), dates with
    # and without a time or zone, no MinutesPerDay in the header (480 assumed)
    tasks = [
        "<Task><UID>1</UID><Name>Phase</Name><OutlineLevel>1</OutlineLevel>"
        "<Start>2027-01-04</Start><Finish>2027-02-26</Finish></Task>",
        "<Task><UID>2</UID><Name>Work</Name><OutlineLevel>2</OutlineLevel>"
        "<Start>2027-01-04T08:00:00Z</Start><Finish>2027-02-26T17:00:00.000</Finish></Task>",
    ]
    resources = [resource(1, "Ida")]
    assignments = [assignment(2, 1, 160, "2027-01-04", "2027-02-26")]
    text = project(tasks, resources, assignments, namespace=False).replace(
        "<MinutesPerDay>480</MinutesPerDay><DaysPerMonth>20</DaysPerMonth>", ""
    )
    path = write(tmp_path, "projectlibre.xml", text)
    assert main(["import", "mspdi", str(path), "--out", str(tmp_path / "out")]) == 0
    demand = (tmp_path / "out" / "demand.csv").read_text().splitlines()[1:]
    assert sum(float(line.split(",")[-1]) for line in demand) == pytest.approx(1.0, rel=1e-4)
    assert "1 summary task" in capsys.readouterr().out


def test_value_parsers():
    assert duration_minutes("PT8H30M0S") == 510
    assert duration_minutes("PT480M") == 480
    assert duration_minutes("P1DT1H") == 1500
    assert duration_minutes("8 hours") is None
    assert moment("2027-03-01").hour == 0
    assert moment("2027-03-01", end_of_day=True).day == 2
    assert moment("NA") is None
    assert moment("2027-03-01T08:00:00+01:00").hour == 8
