"""Work-arounds for defects of the Qt bindings that the console must survive.

PySide6 6.12.0 on Python 3.11 drops one reference to ``None`` (and to ``True``/``False``) too
many on many calls into Qt: a QLabel's ``setText`` and repaint, every geometry change of a
QGraphicsItem (so every pyqtgraph update). Measured with ``sys.getrefcount(None)``: about two
per label update, thousands per second with a live plot. When the count reaches zero Python
aborts with "Fatal Python error: none_dealloc" - after minutes or hours of a console that
must run for days. Python 3.12 made these objects immortal (PEP 683), which makes the extra
decrements harmless; :func:`pin_singletons` gives them the same protection on 3.11.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Final

_HEADROOM: Final = 1 << 60  # decrements at 1 million per second: tens of thousands of years


def pin_singletons() -> bool:
    """Raise the reference counts of ``None``, ``True`` and ``False`` far out of reach of the
    bindings' extra decrements (Python < 3.12 only); return whether anything was done."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    for singleton in (None, True, False):
        count = ctypes.c_ssize_t.from_address(id(singleton))  # ob_refcnt, PyObject's first field
        if count.value < _HEADROOM:
            count.value += _HEADROOM
    return True
