"""Optional feature modules: a feature package contributes pages, API, commands when present."""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType


def optional_module(dotted: str) -> ModuleType | None:
    """Import ``ideadb.x.y`` when every package on the way exists, else None.

    Only a missing module yields None; an error inside an existing module is raised.
    """
    parts = dotted.split(".")
    for i in range(2, len(parts) + 1):
        if importlib.util.find_spec(".".join(parts[:i])) is None:
            return None
    return importlib.import_module(dotted)
