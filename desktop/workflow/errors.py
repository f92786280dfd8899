"""Bilingual workflow errors: what a person tried and why it cannot be done, zh-TW then English."""

from __future__ import annotations

from desktop.models.ticket import TicketConflictError, TicketError


class WorkflowError(TicketError):
    """An action refused; ``zh`` and ``en`` say why (``str()`` gives both, zh-TW first)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh}\n{en}")
        self.zh = zh
        self.en = en

    @classmethod
    def from_domain(cls, exc: TicketError) -> WorkflowError:
        if isinstance(exc, WorkflowError):
            return exc
        if isinstance(exc, TicketConflictError):  # bilingual already
            return cls(exc.zh, exc.en)
        return cls("此案件目前無法執行該操作。", str(exc))


class ActionDeniedError(WorkflowError):
    """The signed-in user's role does not allow the action."""


class NotSignedInError(ActionDeniedError):
    def __init__(self) -> None:
        super().__init__("請先登入。", "Sign in first.")


class PersistError(WorkflowError):
    """The action is recorded in memory but could not be stored yet (it is retried)."""
