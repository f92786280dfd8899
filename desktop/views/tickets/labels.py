"""Screen labels of statuses, handling units, parties and audit events (through the translator)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication as Q

from desktop.workflow.rows import fmt_time


def status_label(status: str) -> str:
    labels = {
        "open": Q.translate("Tickets", "Open"),
        "acknowledged": Q.translate("Tickets", "Acknowledged"),
        "dispatched": Q.translate("Tickets", "Dispatched"),
        "awaiting_signoff": Q.translate("Tickets", "Awaiting sign-off"),
        "closed": Q.translate("Tickets", "Closed"),
    }
    return labels.get(status, status)


def status_short_label(status: str) -> str:
    """The status in a narrow queue column (the whole label is in the row's tooltip)."""
    labels = {
        "acknowledged": Q.translate("Tickets", "Acked", "short status: acknowledged"),
        "awaiting_signoff": Q.translate("Tickets", "Sign-off", "short status: awaiting sign-off"),
    }
    return labels.get(status) or status_label(status)


def conflict_label() -> str:
    """The CONFLICT status of the queue and the detail (⚠ and the word: never colour alone)."""
    return Q.translate("Tickets", "⚠ CONFLICT", "a ticket two consoles decided differently")


def conflict_topic_label(topic: str) -> str:
    """What the two consoles disagreed on."""
    labels = {
        "findings": Q.translate("Tickets", "Findings"),
        "evidence": Q.translate("Tickets", "Evidence"),
        "assignee": Q.translate("Tickets", "Assignee"),
        "dispatch": Q.translate("Tickets", "Dispatch"),
        "decision": Q.translate("Tickets", "Sign-off or return"),
    }
    return labels.get(topic, topic)


def unit_label(kind: str) -> str:
    labels = {
        "origin_office": Q.translate("Tickets", "Origin office"),
        "destination_office": Q.translate("Tickets", "Destination office"),
        "monitoring_centre": Q.translate("Tickets", "Monitoring centre"),
    }
    return labels.get(kind, kind)


def level_label(level: int) -> str:
    labels = {
        1: Q.translate("Tickets", "Level 1: section chief"),
        2: Q.translate("Tickets", "Level 2: division chief"),
        3: Q.translate("Tickets", "Level 3: head of unit"),
    }
    return labels.get(level, str(level))


def action_label(action: str) -> str:
    labels = {
        "notify_destination_officer": Q.translate("Tickets", "Destination officer notified"),
        "gate_interception": Q.translate("Tickets", "Gate asked to intercept"),
        "police_notified": Q.translate("Tickets", "Police notified"),
        "contact_haulier": Q.translate("Tickets", "Haulier contacted"),
        "container_opened": Q.translate("Tickets", "Container opened"),
        "xray": Q.translate("Tickets", "X-ray"),
        "driver_statement": Q.translate("Tickets", "Driver statement"),
        "charge_reminder": Q.translate("Tickets", "Charge reminder"),
        "other": Q.translate("Tickets", "Other"),
    }
    return labels.get(action, action)


def event_label(kind: str) -> str:
    labels = {
        "raised": Q.translate("Tickets", "Raised"),
        "escalated": Q.translate("Tickets", "Escalated"),
        "auto_closed": Q.translate("Tickets", "Closed automatically"),
        "reopened": Q.translate("Tickets", "Reopened"),
        "linked": Q.translate("Tickets", "Linked to order"),
        "withdrawn": Q.translate("Tickets", "Withdrawn"),
        "acknowledged": Q.translate("Tickets", "Acknowledged"),
        "alarm_acknowledged": Q.translate("Tickets", "Escalation acknowledged"),
        "assigned": Q.translate("Tickets", "Assigned"),
        "dispatched": Q.translate("Tickets", "Dispatched"),
        "action": Q.translate("Tickets", "Action"),
        "findings": Q.translate("Tickets", "Findings"),
        "evidence": Q.translate("Tickets", "Evidence"),
        "checklist": Q.translate("Tickets", "Checklist"),
        "attachment": Q.translate("Tickets", "Attachment"),
        "shelved": Q.translate("Tickets", "Shelved"),
        "unshelved": Q.translate("Tickets", "Unshelved"),
        "intercept_requested": Q.translate("Tickets", "Intercept requested"),
        "intercept_cancelled": Q.translate("Tickets", "Intercept cancelled"),
        "submitted": Q.translate("Tickets", "Submitted for sign-off"),
        "signed_off": Q.translate("Tickets", "Signed off"),
        "returned": Q.translate("Tickets", "Returned for rework"),
        "conflict_resolved": Q.translate("Tickets", "Conflict resolved"),
    }
    return labels.get(kind, kind)


def event_detail(kind: str, data: dict[str, Any]) -> str:
    """A short human description of an event's data."""
    if kind == "action":
        note = data.get("note") or ""
        return action_label(str(data.get("action", ""))) + (f": {note}" if note else "")
    if kind == "evidence":
        flags = [
            Q.translate("Tickets", "system images") if data.get("system_images") else "",
            Q.translate("Tickets", "operator CCTV") if data.get("operator_cctv") else "",
            Q.translate("Tickets", "whereabouts traced") if data.get("whereabouts_traced") else "",
        ]
        return ", ".join(f for f in flags if f) or "—"
    if kind == "shelved":
        return f"{data.get('reason', '')} → {fmt_time(data.get('until'))}"
    if kind == "checklist":
        mark = "☑" if data.get("done") else "☐"
        return f"{mark} {data.get('step', '')}"
    if kind == "intercept_requested":
        what = ", ".join([*data.get("containers", []), data.get("plate") or ""]).strip(", ")
        note = data.get("note") or ""
        return " · ".join(x for x in (what, note) if x)
    if kind == "submitted":
        return level_label(int(data.get("required_level", 0)))
    if kind == "conflict_resolved":
        topic = conflict_topic_label(str(data.get("topic", "")))
        return f"{topic}: {data.get('reason', '')}"
    for key in ("detail", "text", "assignee", "reason", "ref", "to_site", "order_no", "severity"):
        if data.get(key):
            return str(data[key])
    return ""


def age_label(seconds: float) -> str:
    """How long ago, in four characters or so: ``<1m``, ``45m``, ``3.5h``, ``27h``, ``2.5d``
    (minutes up to 99, then hours up to 48, then days; in the UI language)."""
    minutes = max(0.0, seconds) / 60
    if minutes < 1:
        return Q.translate("Tickets", "<1m")
    if minutes < 100:
        return Q.translate("Tickets", "{m}m").format(m=int(minutes))
    hours = minutes / 60
    if hours < 48:
        return Q.translate("Tickets", "{h}h").format(h=_one_decimal_below_ten(hours))
    return Q.translate("Tickets", "{d}d").format(d=_one_decimal_below_ten(hours / 24))


def _one_decimal_below_ten(value: float) -> str:
    """``3.5`` below 10 (rounded down, so an age never shows more than it is), ``27`` above."""
    return f"{int(value * 10) / 10:.1f}" if value < 10 else str(int(value))
