"""The domain's submission rules, checked first with bilingual messages (no Qt)."""

from __future__ import annotations

from desktop.models.ticket import Action, Ticket, TicketStatus
from desktop.workflow.errors import WorkflowError

__all__ = ["check_submittable"]


def check_submittable(t: Ticket) -> None:
    """The domain's submission rules, with bilingual messages (raises :class:`WorkflowError`)."""
    if t.status not in (TicketStatus.ACKNOWLEDGED, TicketStatus.DISPATCHED):
        raise WorkflowError(
            "案件須為已確認或已派案才能送簽。",
            f"Only an acknowledged or dispatched ticket is submitted ({t.status}).",
        )
    if not t.findings.strip():
        raise WorkflowError("請先填寫處理情形再送簽。", "Record the findings before submitting for sign-off.")
    if t.code in ("A09", "S7") and t.escalated and Action.POLICE_NOTIFIED not in t.actions:
        raise WorkflowError(
            "已逾 12 小時：送簽前須記錄「通報警政機關協尋」。",
            "Overdue past 12 h: record 'police notified' before submitting.",
        )
    ev = t.evidence
    if not (ev.system_images or ev.operator_cctv or ev.whereabouts_traced):
        raise WorkflowError(
            "無系統影像及業者監視影像時，須先追查貨物去向再送簽。",
            "With neither system images nor operator CCTV, trace the cargo's whereabouts before submitting.",
        )
