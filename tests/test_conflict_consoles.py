"""CONFLICTs on the ticket screens of two consoles (two SQLite stores) mirrored through one real
PostgreSQL, wired as the app wires them (``RemoteApplier`` on the mirror's pull, ``TicketActions``
with a ``ConflictDesk``, the ticket panel). Findings decided apart show as ⚠ 衝突 in both queues;
a watch officer can neither see an adopt button nor resolve; a section chief resolves from the
panel, the audit chains verify and both consoles converge; a conflict survives a restart.

pytest-qt offscreen; screenshots go to tests/artifacts/ (not committed) for a person to look at.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QScrollArea
from sqlalchemy import create_engine

from desktop.app_backend import Backend
from desktop.app_mirror import RemoteApplier
from desktop.auth.accounts import AuthenticatedUser
from desktop.models.ticket import Evidence, Role, TicketStatus
from desktop.store.api import Store
from desktop.store.audit import verify
from desktop.store.chain import GENESIS
from desktop.store.mirror import MirrorWorker
from desktop.store.mirror_resolve import list_conflicts
from desktop.views.tickets.panel import TicketPanel
from desktop.views.tickets.queue_model import COL_STATUS, STATUS_ACTIVE, STATUS_CONFLICT
from desktop.workflow.actions import TicketActions
from desktop.workflow.conflicts import ConflictDesk
from desktop.workflow.errors import ActionDeniedError, WorkflowError
from desktop.workflow.feed import TicketFeed
from tests.helpers import ROSTER, SITES
from tests.pgdb import temp_database
from tests.scenario_gen import scenario
from tests.test_mirror_consoles import Console, feed
from tests.test_tickets_language import switch, tr
from tests.workflow_support import OFFICER, SECTION

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
NARROW = 360  # px: the left dock


@dataclass
class Desk:
    """One console as the app wires it: pipeline, store, mirror, feed, actions."""

    console: Console
    lock: threading.Lock
    feed: TicketFeed
    actions: TicketActions

    @classmethod
    def wire(cls, console: Console, url: str) -> Desk:
        pipeline, store = console.pipeline, console.store
        lock = threading.Lock()
        ticket_feed = TicketFeed.for_pipeline(pipeline)
        applier = RemoteApplier(pipeline.book, lock, persist=store.persist_ticket)
        console.worker = MirrorWorker(store, url, on_remote_events=applier)
        actions = TicketActions(
            pipeline.book.tickets.get,
            lock,
            user=OFFICER,
            feed=ticket_feed,
            persist=store.persist_ticket,
            console_id=console.name,
            trip_lookup=pipeline.trips.get,
            clock=pipeline.clock.now,
            conflicts=ConflictDesk(store),
        )
        return cls(console, lock, ticket_feed, actions)

    def panel(self, qtbot: Any, user: AuthenticatedUser, width: int) -> TicketPanel:
        vertical = Qt.Orientation.Vertical if width < 600 else Qt.Orientation.Horizontal
        panel = TicketPanel(
            self.actions, self.feed, user, clock=self.console.pipeline.clock.now, orientation=vertical
        )
        qtbot.addWidget(panel)
        panel.resize(width, 1100)
        panel.show()
        qtbot.waitUntil(lambda: panel.width() == width, timeout=2000)
        return panel


@pytest.fixture
def desks(tmp_path: Path) -> Iterator[tuple[Desk, Desk, str]]:
    messages = scenario(4, trips=8)
    a = feed("kh-01", tmp_path, messages, 0.0)
    b = feed("tp-02", tmp_path, messages, 0.25)  # the same messages, heard a quarter second later
    with temp_database("jmc_conflict_gui") as url:
        desks = (Desk.wire(a, url), Desk.wire(b, url))
        yield *desks, url
        for d in desks:
            assert d.console.worker is not None
            d.console.worker.stop()
            d.console.store.close()


def sync(*desks: Desk) -> None:
    """Everyone pushes, then everyone pulls what the others pushed (the worker's cycle, by hand)."""
    for d in (*desks, *desks):
        assert d.console.worker is not None
        d.console.worker.sync_once()


def latest_of_a_shared_severity(d: Desk) -> str:
    """An open ticket raised after another open one of its severity: only the CONFLICT can put
    it first among them."""
    open_ = [t for t in d.console.tickets.values() if t.status is TicketStatus.OPEN]
    for severity in sorted({t.severity for t in open_}):
        same = sorted((t for t in open_ if t.severity == severity), key=lambda t: (t.raised_at, t.id))
        if len(same) >= 2:
            return same[-1].id
    raise AssertionError("the scenario raised no two open tickets of one severity")


def first_of_its_severity(panel: TicketPanel, ticket_id: str) -> bool:
    rows = [panel.proxy.ticket_at(r) for r in range(panel.proxy.rowCount())]
    severity = next(r.severity for r in rows if r.id == ticket_id)
    return next(r.id for r in rows if r.severity == severity) == ticket_id


def shot(detail: QScrollArea) -> QPixmap:
    """The whole detail, scrolled parts too."""
    body = detail.widget()
    assert body is not None
    return body.grab()


def verified(store: Store) -> bool:
    with store.read() as conn:
        result = verify(conn)
    assert result.problem is None, str(result.problem)
    return result.ok


def test_findings_decided_apart_a_conflict_on_both_screens_that_a_chief_resolves(
    qtbot: Any, zh_tw: Any, desks: tuple[Desk, Desk, str]
) -> None:
    a, b, url = desks
    sync(a, b)
    t1 = latest_of_a_shared_severity(a)
    chief = a.panel(qtbot, SECTION, NARROW)  # the section chief on kh-01, the panel in the side dock
    officer = b.panel(qtbot, OFFICER, 1500)  # a watch officer on tp-02
    a.actions.acknowledge(t1)
    a.actions.record_findings(t1, "貨物完整，封條無異狀")
    b.actions.acknowledge(t1)
    b.actions.record_findings(t1, "短少兩個棧板")
    for panel in (chief, officer):
        panel.refresh()
        assert not panel.model.find(t1).in_conflict  # type: ignore[union-attr]
        assert not first_of_its_severity(panel, t1)

    sync(a, b)
    for d, panel in ((a, chief), (b, officer)):
        assert d.console.tickets[t1].conflicts == ("findings",)  # the applier marked the live ticket
        panel.refresh()
        row = panel.model.find(t1)
        assert row is not None and row.conflict == ("findings",)
        source = panel.model.index(panel.model.row_of(t1) or 0, COL_STATUS)
        assert source.data() == tr("zh_TW", "⚠ CONFLICT") == "⚠ 衝突"
        assert "⚠ 衝突：處理情形" in source.data(Qt.ItemDataRole.ToolTipRole).split("\n")
        assert first_of_its_severity(panel, t1)  # above the older tickets of its severity
        status = panel.filters.status
        status.setCurrentIndex(status.findData(STATUS_CONFLICT))
        assert status.currentText() == "⚠ 衝突 (1)"
        assert [panel.proxy.ticket_at(r).id for r in range(panel.proxy.rowCount())] == [t1]
        status.setCurrentIndex(status.findData(STATUS_ACTIVE))

    # the watch officer: both sides shown, no adopt button, the action refused, sign-off blocked
    assert officer.select(t1)
    box = officer.detail.conflict_box
    assert box.isVisible() and box.title() == "⚠ 衝突"
    assert box.adopt_buttons == {} and not box.reason.isVisible()
    assert "須由股長以上主管採用其一" in box.explain.text()
    (conflict,) = box.conflicts
    sides = conflict.options
    assert {o.origin: o.data["text"] for o in sides} == {
        "kh-01": "貨物完整，封條無異狀",
        "tp-02": "短少兩個棧板",
    }
    shown = " ".join(label.text() for label in box.sides.findChildren(type(box.explain)))
    for text in (
        "kh-01",
        "tp-02 (本主控台)",
        "lin.officer",
        "貨物完整，封條無異狀",
        "短少兩個棧板",
        "處理情形",
    ):
        assert text in shown, text
    theirs = next(o.event_id for o in sides if o.origin == "kh-01")
    with pytest.raises(ActionDeniedError):
        b.actions.resolve_conflict(t1, theirs, "我覺得對方正確")
    b.actions.record_evidence(t1, Evidence(system_images=True))
    officer.refresh()
    assert not officer.detail.disposition.submit.isEnabled()
    with pytest.raises(WorkflowError, match="衝突") as refused:
        b.actions.submit(t1)
    assert "CONFLICT (findings)" in refused.value.en
    qtbot.wait(50)
    ARTIFACTS.mkdir(exist_ok=True)
    assert shot(officer.detail).save(str(ARTIFACTS / "conflict_detail_officer_zh_TW.png"))

    # the section chief, in the narrow dock: an adopt button per side, enabled once a reason is given
    assert chief.select(t1)
    box = chief.detail.conflict_box
    assert len(box.adopt_buttons) == 2 and box.reason.isVisible()
    assert all(not button.isEnabled() for button in box.adopt_buttons.values())
    for lang in ("en", "zh_TW"):  # in either language it fits the dock and reads in that language
        switch(zh_tw, lang)
        assert box.title() == tr(lang, "⚠ CONFLICT")
        assert {x.text() for x in box.adopt_buttons.values()} == {tr(lang, "Adopt this decision")}
        body = chief.detail.widget()
        assert body is not None
        assert body.minimumSizeHint().width() <= chief.detail.viewport().width(), lang
        assert not chief.detail.horizontalScrollBar().isVisible(), lang
    short = next(o.event_id for o in sides if o.origin == "tp-02")
    box.reason.setText("現場照片顯示短少兩個棧板")  # (QTest types ASCII only)
    assert box.adopt_buttons[short].isEnabled()
    qtbot.wait(50)
    assert shot(chief.detail).save(str(ARTIFACTS / "conflict_detail_chief_zh_TW.png"))
    assert chief.grab().save(str(ARTIFACTS / "conflict_panel_chief_zh_TW.png"))
    qtbot.mouseClick(box.adopt_buttons[short], Qt.MouseButton.LeftButton)

    live = a.console.tickets[t1]
    assert live.conflicts == () and live.findings == "短少兩個棧板"
    resolution = live.events[-1]
    assert (resolution.kind, resolution.actor) == ("conflict_resolved", SECTION.username)
    assert (
        resolution.data["chosen_event_id"] == short
        and resolution.data["reason"] == "現場照片顯示短少兩個棧板"
    )
    assert not chief.model.find(t1).in_conflict  # type: ignore[union-attr]
    assert not box.isVisible() and box.adopt_buttons == {}
    assert "衝突" not in chief.detail.summary.text()
    assert verified(a.console.store)  # the resolution is in kh-01's audit chain, which verifies
    assert list_conflicts(a.console.store) == []

    sync(a, b)  # the resolution reaches tp-02 through upstream
    assert list_conflicts(b.console.store) == []
    theirs_now = b.console.tickets[t1]
    assert theirs_now.conflicts == () and theirs_now.findings == "短少兩個棧板"
    officer.refresh()
    assert not officer.model.find(t1).in_conflict  # type: ignore[union-attr]
    assert not officer.detail.conflict_box.isVisible()
    assert officer.detail.disposition.submit.isEnabled()  # sign-off no longer waits
    b.actions.submit(t1)
    assert verified(b.console.store)
    engine = create_engine(url)
    try:
        assert verify(engine).ok  # every console's chain, upstream
    finally:
        engine.dispose()


def test_an_open_conflict_survives_a_restart_even_on_a_closed_ticket(
    tmp_path: Path, desks: tuple[Desk, Desk, str]
) -> None:
    a, b, _ = desks
    sync(a, b)
    t1, t2 = sorted(tid for tid, t in a.console.tickets.items() if t.status is TicketStatus.OPEN)[:2]
    now = a.console.pipeline.clock.now()
    a.console.act(t1, [("record_findings", ("officer.chen", "cargo intact"))], now)
    b.console.act(t1, [("record_findings", ("officer.wang", "two pallets short"))], now)
    steps: list[tuple[str, tuple[object, ...]]] = [
        ("acknowledge", ("officer.chen",)),
        ("record_findings", ("officer.chen", "seal intact, fuel stop")),
        ("record_evidence", ("officer.chen", Evidence(system_images=True))),
        ("submit_for_signoff", ("officer.chen",)),
    ]
    a.console.act(t2, steps, now)
    sync(a, b)
    signed = a.console.tickets[t2]
    signed.sign_off("chief.lin", Role.SECTION_CHIEF, now + 100, reauthenticated=True, seen=GENESIS)
    a.console.store.persist_ticket(a.console.tickets[t2])
    b.console.tickets[t2].return_for_rework("chief.wu", Role.SECTION_CHIEF, now + 101, "need the gate photo")
    b.console.store.persist_ticket(b.console.tickets[t2])
    sync(a, b)
    assert a.console.tickets[t1].conflicts == ("findings",)
    assert a.console.tickets[t2].conflicts == ("decision",) and a.console.tickets[t2].is_closed

    path = str(tmp_path / "kh-01.sqlite3")
    a.console.store.close()  # the console stops ...
    store = Store.open(path, console_id="kh-01")  # ... and starts again
    a.console.store = store  # (closed by the fixture)
    backend = Backend(SITES, ROSTER, store=store, console_id="kh-01")
    backend.prepare()
    try:
        book = backend.pipeline.book
        assert book.tickets[t1].conflicts == ("findings",)
        # closed by the sign-off, returned on tp-02: taken back, so it stays in view until resolved
        assert book.tickets[t2].is_closed and book.tickets[t2].conflicts == ("decision",)
        assert backend.ticket_feed is not None
        rows = {item.row.id: item.row for item in backend.ticket_feed.drain()}
        assert rows[t1].conflict == ("findings",) and rows[t2].conflict == ("decision",)
        actions = TicketActions(
            book.tickets.get,
            backend.lock,
            user=SECTION,
            conflicts=ConflictDesk(store),
            clock=lambda: now + 200,
        )
        decision = actions.conflicts_of(t2)[0]
        returned = next(o.event_id for o in decision.options if o.kind == "returned")
        actions.resolve_conflict(t2, returned, "照片不足，退回補件")
        assert book.tickets[t2].status is TicketStatus.DISPATCHED and book.tickets[t2].conflicts == ()
    finally:
        backend.stop()
    assert verified(store)
