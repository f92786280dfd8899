"""The ticket screens' translations (context ``Tickets``; English sources, zh-TW by default).

``desktop/i18n/jmc_tickets_<lang>.ts`` are the sources; :func:`desktop.i18n.build.ensure_built`
compiles them. The main window's ``LanguageSwitcher`` loads every catalogue; this helper loads
only the ticket catalogue (tests, stand-alone dialogs).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QTranslator

log = logging.getLogger(__name__)


def install_translator(lang: str = "zh_TW") -> QTranslator | None:
    """Install the ticket catalogue of ``lang`` on the running application (None if unavailable)."""
    from desktop.i18n.build import ensure_built

    app = QCoreApplication.instance()
    qm = ensure_built() / f"jmc_tickets_{lang}.qm"
    if app is None or not qm.exists():
        return None
    translator = QTranslator(app)
    if not translator.load(str(qm)):
        log.warning("could not load %s", qm)
        return None
    app.installTranslator(translator)
    return translator
