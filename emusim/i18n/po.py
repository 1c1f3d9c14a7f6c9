"""The catalogue as gettext files, for translators' tools (Poedit, Weblate, Lokalize).

The YAML files in ``messages/`` are the source (one key, both languages side by side, so a
reviewer sees the pair). Babel turns them into the standard gettext form and back:

- :func:`export_po` writes ``<dir>/<lang>/LC_MESSAGES/emusim.po`` (``msgctxt`` = the key,
  ``msgid`` = the Vietnamese text, ``msgstr`` = the language's text) and compiles each into
  ``emusim.mo``, which :mod:`gettext` reads as is;
- :func:`import_po` reads a translator's ``.po`` back into ``{key: text}`` so the YAML can be
  brought up to date, refusing a translation whose placeholders differ from the source's.

    python -m emusim.i18n.po export build/locale
    python -m emusim.i18n.po check build/locale/en/LC_MESSAGES/emusim.po
"""
from __future__ import annotations

import sys
from pathlib import Path

from . import LANGS, catalogue, placeholders

__all__ = ["to_catalog", "export_po", "import_po"]

DOMAIN = "emusim"


def to_catalog(lang: str):
    """A :class:`babel.messages.catalog.Catalog` of every message in ``lang``."""
    from babel.messages.catalog import Catalog

    from .. import __version__

    catalog = Catalog(locale=lang, domain=DOMAIN, project="emusim", version=__version__,
                      charset="utf-8", fuzzy=False, copyright_holder="emusim",
                      msgid_bugs_address="", language_team=f"emusim {lang}")
    for key, texts in sorted(catalogue().items()):
        domain_file = key.split(".", 1)[0] + ".yaml"
        catalog.add(texts["vi"], texts[lang], context=key, locations=[(f"emusim/i18n/messages/{domain_file}", 0)],
                    flags=["python-brace-format"])
    return catalog


def export_po(folder: str | Path) -> list[Path]:
    """Write and compile ``emusim.po``/``emusim.mo`` for every language under ``folder``."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import write_po

    written = []
    for lang in LANGS:
        target = Path(folder) / lang / "LC_MESSAGES"
        target.mkdir(parents=True, exist_ok=True)
        catalog = to_catalog(lang)
        with open(target / f"{DOMAIN}.po", "wb") as po:
            write_po(po, catalog, width=0, include_lineno=False)
        with open(target / f"{DOMAIN}.mo", "wb") as mo:
            write_mo(mo, catalog)
        written += [target / f"{DOMAIN}.po", target / f"{DOMAIN}.mo"]
    return written


def import_po(path: str | Path) -> dict[str, str]:
    """``{key: translated text}`` from a ``.po`` file; every problem (unknown key, empty text,
    placeholders that differ from the catalogue's) is reported at once as an InputError."""
    from babel.messages.pofile import read_po

    from ..errors import InputError, Problem
    from . import Message

    with open(path, "rb") as handle:
        catalog = read_po(handle)
    known = catalogue()
    texts: dict[str, str] = {}
    problems = []
    for message in catalog:
        if not message.id:
            continue   # the header
        key = message.context or ""
        line = message.lineno or None
        if key not in known:
            problems.append(Problem(Message("i18n.po_unknown_key", name=key), file=str(path), line=line))
        elif not message.string:
            problems.append(Problem(Message("i18n.po_empty", name=key), file=str(path), line=line))
        elif placeholders(message.string) != placeholders(known[key]["vi"]):
            problems.append(Problem(Message("i18n.po_placeholders", name=key,
                                            expected=", ".join(sorted(placeholders(known[key]["vi"]))) or "—"),
                                    file=str(path), line=line))
        else:
            texts[key] = message.string
    if problems:
        raise InputError(problems)
    return texts


def main(argv: list[str] | None = None) -> int:   # pragma: no cover - a thin wrapper, tested through its functions
    args = sys.argv[1:] if argv is None else argv
    if len(args) == 2 and args[0] == "export":
        for path in export_po(args[1]):
            print(path)
        return 0
    if len(args) == 2 and args[0] == "check":
        from ..errors import InputError

        try:
            print(len(import_po(args[1])))
        except InputError as exc:
            print(exc, file=sys.stderr)
            return 2
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":   # pragma: no cover
    sys.exit(main())
