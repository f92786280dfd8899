"""Qt-free workflow data: the feed, procedures for every code, quarantine rows, handover, alarm rate."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest

from desktop.models.catalogue import CATALOGUE
from desktop.models.ticket import TicketStatus
from desktop.models.validation import QuarantineRecord
from desktop.workflow.alarm_rate import AlarmRateMeter
from desktop.workflow.errors import ActionDeniedError, WorkflowError
from desktop.workflow.feed import TicketFeed
from desktop.workflow.handover import HandoverService, handover_html
from desktop.workflow.procedures import ProcedureError, load_procedures, parse_procedures
from desktop.workflow.quarantine import QuarantineRow, counts_by_reason, reason_key, write_csv
from tests.helpers import Harness
from tests.workflow_support import GATE, MID, OFFICER, OFFICER_2, Desk, a06, seal_broken


def test_feed_coalesces_updates_of_one_ticket_and_keeps_the_first_change() -> None:
    h = Harness()
    feed = TicketFeed.for_pipeline(h.pipeline)
    seal_broken(h)
    h.status(6, pos=MID, pin="cut")  # a second occurrence of the same episode
    items = {i.row.code: i for i in feed.drain()}
    assert items["A06"].change == "raised" and items["A06"].row.occurrences == 2
    assert items["A06"].row.trip is not None and items["A06"].row.trip.containers == ("CSQU3054383",)
    assert feed.drain() == []


def test_feed_snapshots_do_not_change_with_the_ticket() -> None:
    h = seal_broken()
    feed = TicketFeed.for_pipeline(h.pipeline)
    (item,) = [i for i in feed.drain() if i.row.code == "A06"]
    a06(h).acknowledge("x", 0)
    assert item.row.status is TicketStatus.OPEN and item.row.state.needs_ack


def test_feed_is_safe_to_fill_from_other_threads() -> None:
    h = seal_broken()
    feed = TicketFeed()
    ticket = a06(h)
    threads = [
        threading.Thread(target=lambda: [feed.on_change("updated", ticket) for _ in range(500)])
        for _ in range(2)
    ]
    for t in threads:
        t.start()
    drained = [feed.drain() for _ in range(200)]
    for t in threads:
        t.join()
    drained.append(feed.drain())
    assert feed.collected == 1000 and sum(len(d) for d in drained) >= 1


def test_every_catalogue_code_has_a_procedure_with_steps() -> None:
    procedures = load_procedures()
    assert set(procedures) == set(CATALOGUE)
    a06_steps = procedures["A06"].steps
    assert a06_steps[0].zh == "通知目的地關員開櫃查驗" and a06_steps[0].action == "notify_destination_officer"
    assert any("12 h" in s.en and s.action == "police" for s in procedures["A09"].steps)
    assert procedures["A07"].steps[0].action == "gate"


def test_an_incomplete_procedures_file_says_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(ProcedureError, match="no procedure for: A02"):
        parse_procedures(
            {
                "codes": {
                    "A01": {
                        "summary_zh": "x",
                        "summary_en": "x",
                        "steps": [{"id": "a", "zh": "甲", "en": "a"}],
                    }
                }
            }
        )
    bad = tmp_path / "p.toml"
    bad.write_text("[codes\n", encoding="utf-8")
    with pytest.raises(ProcedureError, match="not valid TOML"):
        load_procedures(bad)
    doc = {
        "codes": {
            c: {
                "summary_zh": "x",
                "summary_en": "x",
                "steps": [{"id": "a", "zh": "甲", "en": "a", "action": "fly"}],
            }
            for c in CATALOGUE
        }
    }
    with pytest.raises(ProcedureError, match="unknown action 'fly'"):
        parse_procedures(doc)


def test_quarantine_rows_counts_and_csv_from_real_rejections() -> None:
    h = Harness()
    h.send("obu/OBU-9/telemetry", "{not json")
    h.send("obu/OBU-9/telemetry", b"=cmd|' /C calc'!A0")
    h.send("seal/VS-9/status", {"v": 1, "seal_id": "VS-9"})
    rows = [QuarantineRow.of(r) for r in h.pipeline.quarantine]
    assert [r.device for r in rows] == ["OBU-9", "OBU-9", "VS-9"]
    assert rows[0].region == "keelung" and rows[0].kind == "obu"
    counts = dict(counts_by_reason(rows))
    assert sum(counts.values()) == 3 and counts[rows[0].reason_key] >= 1
    out = io.StringIO()
    assert write_csv(rows, out) == 3
    text = out.getvalue().splitlines()
    assert text[0] == "received_at,topic,region,device,reason,payload"
    assert "'=cmd" in out.getvalue()  # a formula is written as text


def test_reason_key_drops_the_particulars() -> None:
    assert reason_key("telemetry: seq 12 out of range (got 99)") == reason_key(
        "telemetry: seq 7 out of range"
    )
    record = QuarantineRecord("jmc/v1/x", b"\xff\xfe", 0.0, "bad")
    assert QuarantineRow.of(record).payload  # undecodable bytes are shown, not lost


def test_handover_lists_open_tickets_and_is_acknowledged_by_the_incoming_officer() -> None:
    d = Desk()
    seal_broken(d.harness)
    d.actions.acknowledge(a06(d.harness).id)
    saved, acked = [], []
    service = HandoverService(
        lambda: d.harness.pipeline.book.tickets.values(),
        d.lock,
        user=OFFICER,
        trip_lookup=d.harness.pipeline.trips.get,
        save=saved.append,
        acknowledge=lambda hid, user, at: acked.append((hid, user)),
        clock=d.harness.clock.now,
    )
    handover = service.compose("注意 A06 待開櫃\nwatch A06")
    item = next(i for i in handover.items if i.code == "A06")
    assert item.last_action == "acknowledged" and item.last_actor == "lin.officer"
    assert any(t.label_en == "7 working-day deadline" for t in item.timers)
    assert saved == [handover]
    with pytest.raises(WorkflowError, match="接班人員"):
        service.acknowledge(handover)
    service.user = GATE
    with pytest.raises(ActionDeniedError):
        service.acknowledge(handover)
    service.user = OFFICER_2
    done = service.acknowledge(handover)
    assert done.acknowledged_by == "wang.officer" and acked == [(handover.id, "wang.officer")]
    page = handover_html(done)
    assert "勤務交接單" in page and "A06" in page and "wang.officer" in page and "&lt;" not in page


def test_alarm_rate_per_operator_over_the_last_hour() -> None:
    meter = AlarmRateMeter(operators=2)
    for i in range(12):
        meter.record(1000.0 + i * 60)
    assert meter.rate(1000.0 + 11 * 60) == pytest.approx(12 / 6 / 2)
    assert not meter.over_limit(1000.0 + 11 * 60)
    meter.record(1700.0)
    assert meter.over_limit(1700.0)
    assert meter.count(1000.0 + 3600 + 120) == 10  # 1000, 1060 and 1120 fell out of the hour
