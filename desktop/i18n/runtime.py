"""Switching the GUI language at run time: one QTranslator per ``*_<lang>.qm`` catalogue.

Installing or removing a translator makes Qt send ``QEvent.LanguageChange`` to every widget;
each view re-sets its texts in ``changeEvent``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QTranslator, Signal

from desktop.i18n import DEFAULT_LANGUAGE, LANGUAGES

log = logging.getLogger(__name__)


class LanguageSwitcher(QObject):
    """Loads the catalogues of one language at a time.

    Args:
        qm_dir: the folder holding the compiled ``.qm`` files.
    """

    languageChanged = Signal(str)  # noqa: N815 - Qt signal naming

    def __init__(self, qm_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._qm_dir = qm_dir
        self._translators: list[QTranslator] = []
        self.current = ""

    @staticmethod
    def languages() -> tuple[str, ...]:
        return LANGUAGES

    def catalogues(self, language: str) -> list[Path]:
        """The .qm files of ``language`` (``jmc_main_zh_TW.qm``, ``jmc_tickets_zh_TW.qm``, ...)."""
        return sorted(self._qm_dir.glob(f"*_{language}.qm"))

    def switch(self, language: str) -> bool:
        """Use ``language`` (``zh_TW`` or ``en``); return whether every catalogue loaded."""
        if language not in LANGUAGES:
            log.warning("unknown language %r; using %s", language, DEFAULT_LANGUAGE)
            language = DEFAULT_LANGUAGE
        app = QCoreApplication.instance()
        if app is None:
            raise RuntimeError("create the QApplication before switching language")
        for translator in self._translators:
            app.removeTranslator(translator)
        self._translators = []
        ok = True
        files = self.catalogues(language)
        if not files:
            log.warning(
                "no translations for %s in %s (run python -m desktop.i18n.build)", language, self._qm_dir
            )
            ok = False
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        qt_base = Path(qt_dir) / f"qtbase_{language}.qm"
        for path in [*files, *([qt_base] if qt_base.exists() else [])]:
            translator = QTranslator(self)
            if translator.load(str(path)):
                app.installTranslator(translator)
                self._translators.append(translator)
            else:
                log.warning("cannot load translation %s", path)
                ok = False
        QLocale.setDefault(QLocale("zh_TW" if language == "zh_TW" else "en_GB"))
        self.current = language
        self.languageChanged.emit(language)
        return ok
