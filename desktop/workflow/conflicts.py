"""CONFLICTs in the workflow: what the ticket screens show of them and a supervisor's resolution.

Two consoles that decided differently on a ticket while apart (docs/mirror.md, "Merge rules")
leave both decisions in the store's ``ticket_conflicts`` table. :class:`ConflictDesk` reads
them for the detail panel (each side: console, officer, time, what was decided), keeps a live
ticket's conflict marker (``Ticket.conflicts``) in step with the table before a gated action,
and records a supervisor's choice through :func:`desktop.store.mirror_resolve.resolve_conflict`.
``TicketActions`` calls it with the lock that guards the tickets held. No Qt here.
"""

from __future__ import annotations

from desktop.models.ticket import Role, Ticket
from desktop.store.api import Store
from desktop.store.merge import MergedTicket
from desktop.store.mirror_conflicts import ConflictInfo, ConflictOption
from desktop.store.mirror_resolve import (
    ConflictError,
    list_conflicts,
    mark_stored_conflicts,
    resolve_conflict,
)
from desktop.workflow.errors import WorkflowError

__all__ = ["ConflictDesk", "ConflictInfo", "ConflictOption"]


class ConflictDesk:
    """The open conflicts of the console's store, for the ticket screens and ``TicketActions``.

    Args:
        store: the console's local store (the mirror's pull writes the conflicts there).
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def console_id(self) -> str:
        """This console's id (the ``origin`` of its own side of a conflict)."""
        return self.store.console_id

    def of(self, ticket_id: str) -> list[ConflictInfo]:
        """The ticket's open conflicts, oldest first (a read: any thread, no lock needed)."""
        return list_conflicts(self.store, ticket_id)

    def refresh(self, ticket: Ticket) -> bool:
        """Set the ticket's marker from the store (call with the tickets' lock held); return
        whether it changed (a pull stored a conflict the live ticket had not heard of yet)."""
        return bool(mark_stored_conflicts(self.store, {ticket.id: ticket}))

    def resolve(
        self, ticket: Ticket, chosen_event_id: str, actor: str, reason: str, role: Role, now: float
    ) -> MergedTicket:
        """Record ``actor``'s choice of ``chosen_event_id`` (an audited ``conflict_resolved``
        event, stored with the converged state in one transaction) and bring the live ticket to
        that state; call with the tickets' lock held.

        Raises:
            WorkflowError: not a supervisor, no reason, or no longer an open conflict's option
                (someone resolved it meanwhile); zh-TW and English.
        """
        try:
            return resolve_conflict(
                self.store, ticket.id, chosen_event_id, actor, reason, role=role, ticket=ticket, now=now
            )
        except ConflictError as exc:
            if role < Role.SECTION_CHIEF:
                raise WorkflowError("只有股長以上主管可以裁決衝突。", str(exc)) from exc
            if not reason.strip():
                raise WorkflowError("請填寫採用此決定的理由。", str(exc)) from exc
            raise WorkflowError(
                "此衝突已不存在（可能已由他人裁決），請重新檢視案件。",
                f"{exc} (perhaps resolved meanwhile: look at the ticket again)",
            ) from exc
