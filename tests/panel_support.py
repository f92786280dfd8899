"""Shared set-up of the ticket-panel GUI tests: a shown :class:`TicketPanel` over a :class:`Desk`."""

from __future__ import annotations

from typing import Any

from desktop.auth.accounts import AuthenticatedUser
from desktop.views.tickets.panel import TicketPanel
from tests.workflow_support import OFFICER, Desk


def show_panel(qtbot: Any, d: Desk, user: AuthenticatedUser = OFFICER, height: int = 900) -> TicketPanel:
    """The desk's ticket panel as ``user`` sees it, 1500 px wide and shown."""
    panel = TicketPanel(d.actions, d.feed, user, clock=d.harness.clock.now)
    qtbot.addWidget(panel)
    panel.resize(1500, height)
    panel.show()
    return panel
