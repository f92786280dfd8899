"""Translations of the GUI: Qt Linguist ``.ts`` sources (committed) and ``.qm`` (built).

Source strings are English; the default UI language is Traditional Chinese (``zh_TW``).
``python -m desktop.i18n.build`` compiles the ``.qm`` files; the app also builds them at start
when they are missing or older than their ``.ts`` (see docs/gui.md).
"""

LANGUAGES = ("zh_TW", "en")
DEFAULT_LANGUAGE = "zh_TW"
