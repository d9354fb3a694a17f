"""Fill msgstr entries of locale/vi from a Python dict file (msgid or (msgid, plural) → Vietnamese).

Usage: .venv/bin/python scripts/fill_translations.py TRANSLATIONS.py
Only empty entries are filled; existing translations are kept. Then
`manage.py compile_translations`.
"""
import runpy
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main(source: str) -> None:
    table = runpy.run_path(source)["VI"]
    catalogue = polib.pofile(str(ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"))
    missing = []
    for entry in catalogue:
        key = (entry.msgid, entry.msgid_plural) if entry.msgid_plural else entry.msgid
        if entry.translated():
            continue
        text = table.get(key) or table.get(entry.msgid)
        if text is None:
            missing.append(entry.msgid)
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: text}
        else:
            entry.msgstr = text
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    catalogue.save()
    for msgid in missing:
        print("MISSING:", repr(msgid))


if __name__ == "__main__":
    main(sys.argv[1])
