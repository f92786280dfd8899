"""The spec's sample scenarios (../shared/spec/examples) through `jmc-console replay`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.cli import main
from tests.helpers import EXAMPLES

SCENARIOS = sorted(EXAMPLES.glob("*.jsonl"))


def test_samples_are_present() -> None:
    assert len(SCENARIOS) >= 4


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.stem)
def test_sample_scenario_matches_expectation(
    scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expect = json.loads(scenario.with_name(scenario.stem + ".expect.json").read_text())
    out = tmp_path / "out.json"
    code = main(
        [
            "replay",
            str(scenario),
            "--sites",
            str(EXAMPLES / "sites.geojson"),
            "--roster",
            str(EXAMPLES / "roster.json"),
            "--settle",
            str(expect["settle"]),
            "--tickets-json",
            str(out),
        ]
    )
    assert code == 0
    result = json.loads(out.read_text())
    rows = sorted(
        [
            t["code"],
            t["order_no"],
            t["subject"],
            t["severity"],
            "auto_closed" if t["resolution"] == "auto_closed" else "open",
        ]
        for t in result["tickets"]
    )
    assert rows == sorted(expect["tickets"])
    assert len(result["rejected"]) == expect["rejected"]
    assert all(r["reason"] for r in result["rejected"])
    assert "tickets:" in capsys.readouterr().err


def test_replay_output_has_the_section_7_shape(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    scenario = EXAMPLES / "pin_abnormal_then_normal_arrival.jsonl"
    assert (
        main(
            ["replay", str(scenario), "--sites", str(EXAMPLES / "sites.geojson"), "--tickets-json", str(out)]
        )
        == 0
    )
    doc = json.loads(out.read_text())
    assert set(doc) == {"tickets", "rejected", "duplicates"}
    (ticket,) = doc["tickets"]
    assert set(ticket) == {
        "id",
        "code",
        "severity",
        "status",
        "resolution",
        "order_no",
        "subject",
        "raised_at",
        "closed_at",
        "occurrences",
    }
    assert ticket["status"] == "closed" and ticket["resolution"] == "auto_closed"
    assert ticket["occurrences"] == 3
    assert ticket["raised_at"] == "2026-11-20T09:05:00.000+08:00"


def test_replay_exits_non_zero_only_when_it_cannot_run(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    sites = str(EXAMPLES / "sites.geojson")
    assert (
        main(["replay", str(tmp_path / "missing.jsonl"), "--sites", sites, "--tickets-json", str(out)]) == 2
    )
    bad_sites = tmp_path / "bad.geojson"
    bad_sites.write_text("{")
    scenario = str(EXAMPLES / "rejected_inputs.jsonl")
    assert main(["replay", scenario, "--sites", str(bad_sites), "--tickets-json", str(out)]) == 2
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_text('not json\n{"t": "2026-11-20T09:00:00+08:00", "topic": "x/y", "payload": "zz"}\n')
    assert main(["replay", str(garbage), "--sites", sites, "--tickets-json", str(out)]) == 0
    assert json.loads(out.read_text())["rejected"] == [{"topic": "x/y", "reason": "unknown topic 'x/y'"}]


def test_demo_replays_the_bundled_samples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--samples"]) == 0
    out = capsys.readouterr().out
    assert "passive_overdue.jsonl" in out and "逾時未進站" in out
    assert "auto_closed" in out and "ISO 6346 check digit should be 3" in out
