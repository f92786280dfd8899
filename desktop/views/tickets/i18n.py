"""The ticket screens' translations (context ``Tickets``; English sources, zh-TW by default).

``desktop/i18n/jmc_tickets_<lang>.ts`` are the sources; :func:`desktop.i18n.build.ensure_built`
compiles them. The main window's ``LanguageSwitcher`` loads every catalogue; this helper loads
only the ticket catalogue (tests, stand-alone dialogs).

Every widget here sets its texts in a ``retranslate()`` method, called from ``__init__`` and from
``changeEvent(QEvent.LanguageChange)`` (sent to every widget when a translator is installed or
removed). Texts that exist in both languages outside the catalogue (procedures.toml, the anomaly
catalogue's names) are ordered by :func:`chinese_first`: the current language first.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

log = logging.getLogger(__name__)


def locale_of(lang: str) -> QLocale:
    """The locale the switcher sets for ``lang`` (the same rule as ``LanguageSwitcher.switch``)."""
    return QLocale("zh_TW" if lang == "zh_TW" else "en_GB")


def chinese_first() -> bool:
    """Whether the UI language is Chinese, so zh-TW texts come first.

    ``LanguageSwitcher.switch`` (desktop/i18n/runtime.py) sets the default :class:`QLocale` with
    the translators; the main window's views read it the same way (``desktop.views.severity``).
    """
    return QLocale().language() == QLocale.Language.Chinese


def ordered(zh: str, en: str) -> tuple[str, str]:
    """``(zh, en)`` in the order of the UI language: the current language's text first."""
    return (zh, en) if chinese_first() else (en, zh)


def bilingual(zh: str, en: str, separator: str = "\n") -> str:
    """Both texts, the current language's first."""
    first, second = ordered(zh, en)
    return f"{first}{separator}{second}"


def in_ui_language(zh: str, en: str) -> str:
    """The text of the current UI language only (e.g. an anomaly's name in a narrow column)."""
    return ordered(zh, en)[0]


_ACRONYMS = frozenset({"OBU", "GNSS", "NFC", "GPS", "CCTV"})


def english_name(identifier: str) -> str:
    """An anomaly catalogue identifier as English words: ``OBU_POWER_REMOVED`` → ``OBU power removed``.

    The catalogue's English names are protocol identifiers; other text passes unchanged.
    """
    if not identifier or not identifier.replace("_", "").isalnum() or not identifier.isupper():
        return identifier
    words = [w if w in _ACRONYMS else w.lower() for w in identifier.split("_") if w]
    if not words:
        return identifier
    words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words)


def anomaly_name(name_zh: str, name_en: str) -> tuple[str, str]:
    """An anomaly's two names, the current language's first (English as words, not an identifier)."""
    return ordered(name_zh, english_name(name_en))


def install_translator(lang: str = "zh_TW") -> QTranslator | None:
    """Install the ticket catalogue of ``lang`` on the running application (None if unavailable).

    Also sets the default locale as the switcher does, so bilingual texts follow the labels.
    """
    from desktop.i18n.build import ensure_built

    app = QCoreApplication.instance()
    qm = ensure_built() / f"jmc_tickets_{lang}.qm"
    if app is None or not qm.exists():
        return None
    translator = QTranslator(app)
    if not translator.load(str(qm)):
        log.warning("could not load %s", qm)
        return None
    QLocale.setDefault(locale_of(lang))
    app.installTranslator(translator)
    return translator
