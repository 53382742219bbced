"""Refresh the English catalogue: extract messages, merge, fill from translations_en.json, compile.

Usage: python scripts/update_translations.py
Vietnamese is the source language; English msgstrs live in scripts/translations_en.json so that
translators edit one reviewed file; a message with a context (``pgettext``) is keyed
``"context|msgid"``. Untranslated messages fall back to Vietnamese.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "ideadb/translations/en/LC_MESSAGES/messages.po"
MO = PO.with_suffix(".mo")
POT = ROOT / "build/messages.pot"
TABLE = ROOT / "scripts/translations_en.json"


def main() -> int:
    POT.parent.mkdir(exist_ok=True)
    subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "lazy_pgettext:1c,2",
            "--no-location",
            "-o",
            str(POT),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    with POT.open("rb") as fh:
        template = read_po(fh)
    table = json.loads(TABLE.read_text(encoding="utf-8"))
    PO.parent.mkdir(parents=True, exist_ok=True)
    catalog = template
    catalog.locale = "en"
    missing = 0
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        if message.context:  # pgettext: the same words read differently ("Đơn vị": unit, units)
            key = f"{message.context}|{key}"
        if key in table:
            message.string = table[key]
        else:
            missing += 1
    with PO.open("wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False)
    with MO.open("wb") as fh:
        write_mo(fh, catalog)
    print(f"{len(catalog)} messages, {missing} without English")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
