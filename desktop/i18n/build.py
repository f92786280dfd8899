"""Build step of the translations: ``pyside6-lupdate`` (sources → .ts) and ``pyside6-lrelease``
(.ts → .qm).

``python -m desktop.i18n.build``            compile every ``*.ts`` here into ``.qm`` (stale ones only)
``python -m desktop.i18n.build --update``   first refresh the .ts files from the sources
                                            (``--catalogue jmc_main``: only that catalogue)
``python -m desktop.i18n.build --check``    list messages that are not translated; exit 1 if any

The ``.qm`` files are generated and not committed. :func:`ensure_built` is what the app calls at
start: it compiles missing or stale ones next to the ``.ts`` or, when that folder is read-only
(an installed package), into the user's cache folder.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from desktop.i18n import LANGUAGES

log = logging.getLogger(__name__)

I18N_DIR = Path(__file__).resolve().parent
DESKTOP = I18N_DIR.parent


def catalogue_sources() -> dict[str, list[Path]]:
    """Each catalogue (file name prefix) with the Python sources lupdate reads for it."""
    views = DESKTOP / "views"
    main = [*sorted(DESKTOP.glob("app*.py")), *sorted(views.glob("*.py"))]
    tickets = sorted((views / "tickets").rglob("*.py")) + sorted((DESKTOP / "workflow").rglob("*.py"))
    found = {"jmc_main": [path for path in main if path.exists()]}
    if tickets:
        found["jmc_tickets"] = tickets
    return found


def qt_tool(name: str) -> Path | None:
    """The path of ``lupdate`` or ``lrelease`` shipped with PySide6 (or on PATH)."""
    try:
        import PySide6

        bundled = Path(PySide6.__file__).resolve().parent / name
        if bundled.exists():
            return bundled
    except ImportError:
        pass
    found = shutil.which(f"pyside6-{name}") or shutil.which(name)
    return Path(found) if found else None


def update_ts(only: list[str] | None = None) -> list[Path]:
    """Refresh ``<catalogue>_<lang>.ts`` from the sources (new strings come in unfinished)."""
    tool = qt_tool("lupdate")
    if tool is None:
        raise RuntimeError("pyside6-lupdate not found (is PySide6 installed?)")
    written = []
    for name, sources in catalogue_sources().items():
        if only and name not in only:
            continue
        for lang in LANGUAGES:
            ts = I18N_DIR / f"{name}_{lang}.ts"
            cmd = [str(tool), *map(str, sources), "-no-obsolete", "-locations", "none"]
            cmd += ["-source-language", "en", "-target-language", lang, "-ts", str(ts)]
            result = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if result.returncode != 0:
                raise RuntimeError(
                    f"lupdate failed for {ts.name}: {(result.stderr or result.stdout).strip()}"
                )
            written.append(ts)
    return written


def output_dir() -> Path:
    """Where the .qm files go: next to the .ts when writable, else the user cache folder."""
    if os.access(I18N_DIR, os.W_OK):
        return I18N_DIR
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("jmc-console")) / "i18n"


def ensure_built(out_dir: Path | None = None) -> Path:
    """Compile every ``.ts`` whose ``.qm`` is missing or older; return the .qm folder.

    A failure is logged (the GUI then shows the English source strings), never raised.
    """
    out = out_dir or output_dir()
    stale = []
    for ts in sorted(I18N_DIR.glob("*.ts")):
        qm = out / (ts.stem + ".qm")
        if not qm.exists() or qm.stat().st_mtime < ts.stat().st_mtime:
            stale.append((ts, qm))
    if not stale:
        return out
    tool = qt_tool("lrelease")
    if tool is None:
        log.warning("pyside6-lrelease not found: the user interface will show English source strings")
        return out
    out.mkdir(parents=True, exist_ok=True)
    for ts, qm in stale:
        result = subprocess.run(
            [str(tool), "-silent", str(ts), "-qm", str(qm)], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            log.warning("cannot compile %s: %s", ts.name, (result.stderr or result.stdout).strip())
    return out


def untranslated(ts: Path) -> list[str]:
    """Source texts of ``ts`` that are unfinished or have an empty translation."""
    missing = []
    for message in ET.parse(ts).getroot().iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        if translation is None:
            missing.append(source)
            continue
        kind = translation.get("type")
        forms = translation.findall("numerusform")
        texts = [f.text or "" for f in forms] if forms else [translation.text or ""]
        if kind in ("unfinished", "obsolete", "vanished") or not all(t.strip() for t in texts):
            missing.append(source)
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desktop.i18n.build", description=__doc__)
    parser.add_argument("--update", action="store_true", help="refresh the .ts files with pyside6-lupdate")
    parser.add_argument(
        "--catalogue", action="append", metavar="NAME", help="with --update: only this one (e.g. jmc_main)"
    )
    parser.add_argument("--check", action="store_true", help="list untranslated messages; exit 1 if any")
    args = parser.parse_args(argv)
    if args.update:
        for ts in update_ts(args.catalogue):
            print(f"updated {ts.relative_to(DESKTOP.parent)}")
    if args.check:
        bad = {ts.name: untranslated(ts) for ts in sorted(I18N_DIR.glob("*.ts"))}
        for name, texts in bad.items():
            for text in texts:
                print(f"{name}: not translated: {text!r}")
        return 1 if any(bad.values()) else 0
    out = ensure_built()
    print(f"translations compiled in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
