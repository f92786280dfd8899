"""Shift handover dialog: compose (outgoing), preview, print to PDF, acknowledge (incoming)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication as Q
from PySide6.QtCore import QEvent
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.views.tickets.style import DARK_STYLESHEET
from desktop.workflow.errors import WorkflowError
from desktop.workflow.handover import Handover, HandoverService, handover_html


def print_handover_pdf(handover: Handover, path: Path) -> Path:
    """Print the handover to a PDF file (A4 landscape)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Landscape,
            printer.pageLayout().margins(),
        )
    )
    document = QTextDocument()
    document.setHtml(handover_html(handover))
    document.print_(printer)
    return path


class HandoverDialog(QDialog):
    """The outgoing officer writes notes and composes; the incoming officer acknowledges."""

    def __init__(self, service: HandoverService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(DARK_STYLESHEET)
        self.resize(900, 650)
        self.service = service
        self.handover: Handover | None = None
        self._message: Callable[[], str] | None = None  # renders the message shown (for retranslate)
        layout = QVBoxLayout(self)
        self.notes_label = QLabel()
        layout.addWidget(self.notes_label)
        self.notes = QPlainTextEdit()
        self.notes.setMaximumHeight(110)
        self.notes_label.setBuddy(self.notes)
        layout.addWidget(self.notes)
        buttons = QHBoxLayout()
        self.compose = QPushButton()
        self.print_pdf = QPushButton()
        self.acknowledge = QPushButton()
        for button in (self.compose, self.print_pdf, self.acknowledge):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #f08c00;")
        layout.addWidget(self.message)
        self.preview = QTextBrowser()
        self.preview.setStyleSheet("background: #ffffff; color: #000000;")
        layout.addWidget(self.preview, 1)
        self.compose.clicked.connect(self.compose_now)
        self.print_pdf.clicked.connect(self._print_dialog)
        self.acknowledge.clicked.connect(self.acknowledge_now)
        self.retranslate()
        self._enable()

    def retranslate(self) -> None:
        """Set every text in the current UI language (the composed handover is bilingual already)."""
        self.setWindowTitle(Q.translate("Tickets", "Shift handover"))
        self.notes_label.setText(Q.translate("Tickets", "Notes for the incoming officer"))
        self.compose.setText(Q.translate("Tickets", "Compose handover"))
        self.print_pdf.setText(Q.translate("Tickets", "Print to PDF…"))
        self.acknowledge.setText(Q.translate("Tickets", "Acknowledge as incoming officer"))
        self.message.setText(self._message() if self._message is not None else "")

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _show_message(self, render: Callable[[], str] | None) -> None:
        self._message = render
        self.message.setText(render() if render is not None else "")

    def _enable(self) -> None:
        self.print_pdf.setEnabled(self.handover is not None)
        self.acknowledge.setEnabled(self.handover is not None and not self.handover.acknowledged)

    def show_handover(self, handover: Handover) -> None:
        self.handover = handover
        self.preview.setHtml(handover_html(handover))
        self._enable()

    def compose_now(self) -> Handover | None:
        try:
            handover = self.service.compose(self.notes.toPlainText())
        except WorkflowError as exc:
            error = str(exc)
            self._show_message(lambda: error)
            return None
        self._show_message(None)
        self.show_handover(handover)
        return handover

    def acknowledge_now(self) -> bool:
        if self.handover is None:
            return False
        try:
            self.show_handover(self.service.acknowledge(self.handover))
        except WorkflowError as exc:
            error = str(exc)
            self._show_message(lambda: error)
            return False
        self._show_message(lambda: Q.translate("Tickets", "Handover acknowledged."))
        return True

    def _print_dialog(self) -> None:
        if self.handover is None:
            return
        name, _ = QFileDialog.getSaveFileName(
            self, Q.translate("Tickets", "Print to PDF…"), "handover.pdf", "PDF (*.pdf)"
        )
        if name:
            print_handover_pdf(self.handover, Path(name))
