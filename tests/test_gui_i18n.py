"""Translations: every message of every catalogue is translated in zh-TW and English, the .ts
files hold every string of the sources, the .qm files build and load, and the language switches."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTranslator

from desktop.i18n import LANGUAGES
from desktop.i18n.build import I18N_DIR, catalogue_sources, ensure_built, qt_tool, untranslated
from desktop.views.qt_workarounds import pin_singletons

TS_FILES = sorted(I18N_DIR.glob("*.ts"))


def test_the_main_catalogue_exists_in_both_languages() -> None:
    names = {ts.name for ts in TS_FILES}
    assert {f"jmc_main_{lang}.ts" for lang in LANGUAGES} <= names
    for ts in TS_FILES:  # every catalogue comes in every language
        stem = ts.stem.rsplit("_", 2 if ts.stem.endswith("_zh_TW") else 1)[0]
        assert {f"{stem}_{lang}.ts" for lang in LANGUAGES} <= names, ts.name


@pytest.mark.parametrize("ts", TS_FILES, ids=lambda p: p.name)
def test_every_message_is_translated(ts: Path) -> None:
    assert untranslated(ts) == []


def test_the_main_catalogue_holds_every_string_of_the_sources(tmp_path: Path) -> None:
    """lupdate over the sources adds nothing new to the committed .ts (it would come in unfinished)."""
    tool = qt_tool("lupdate")
    assert tool is not None
    for lang in LANGUAGES:
        copy = tmp_path / f"jmc_main_{lang}.ts"
        shutil.copy(I18N_DIR / copy.name, copy)
        sources = [str(p) for p in catalogue_sources()["jmc_main"]]
        subprocess.run(
            [str(tool), *sources, "-no-obsolete", "-ts", str(copy)], check=True, capture_output=True
        )
        assert untranslated(copy) == [], (
            f"strings missing from {copy.name}: run python -m desktop.i18n.build --update"
        )


def test_qm_files_build_and_translate(tmp_path: Path) -> None:
    out = ensure_built(tmp_path)
    for lang, expected in (("zh_TW", "行程明細"), ("en", "Trip detail")):
        translator = QTranslator()
        assert translator.load(str(out / f"jmc_main_{lang}.qm"))
        assert translator.translate("MainWindow", "Trip detail") == expected
        assert translator.translate("Phase", "Completed") == ("已完成" if lang == "zh_TW" else "Completed")


def test_stale_qm_files_are_rebuilt(tmp_path: Path) -> None:
    out = ensure_built(tmp_path)
    qm = out / "jmc_main_zh_TW.qm"
    qm.write_bytes(b"")
    old = (I18N_DIR / "jmc_main_zh_TW.ts").stat().st_mtime - 10
    os.utime(qm, (old, old))
    ensure_built(tmp_path)
    assert qm.stat().st_size > 0


def test_switching_language_loads_every_catalogue_of_it(languages: Any) -> None:
    assert languages.switch("en")
    assert languages.current == "en"
    assert all(p.name.endswith("_en.qm") for p in languages.catalogues("en"))
    assert languages.switch("zh_TW") and languages.current == "zh_TW"
    languages.switch("en")
    languages.switch("xx")  # unknown: the default language
    assert languages.current == "zh_TW"


def test_singletons_are_pinned_against_the_bindings_extra_releases() -> None:
    pin_singletons()
    if sys.version_info < (3, 12):
        assert sys.getrefcount(None) > 1 << 59
        assert sys.getrefcount(True) > 1 << 59
    else:
        assert pin_singletons() is False
