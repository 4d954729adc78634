"""The translators' template, ``bot/i18n/messages.pot``, made from the code, and its merge into every catalogue.

``extract`` reads every message the code says, as ``pybabel extract`` would
with the project's keywords (``KEYWORDS``): the bot's ``tr("…")`` and
``N_("…")``, plurals (``tr.plural("{count} view", "{count} views", n)`` and
``Plural("…", "…")``, in the bot and in the core), and the reasons the core
gives (``IngestError("…")``); a ``# Translators:`` comment just before a
message goes with it (the kind of text it is: a button, a popup…). Locations
are written without line numbers, so moving code does not touch thirteen
files.

``update`` is ``pybabel update`` for the flat ``locales/<code>.po`` layout:
new messages are added (untranslated, or marked fuzzy with the translation of
a similar old one to check), messages the code no longer says are kept at the
end as obsolete (``#~``), and the header carries CLDR's plural rule for the
language. ``add`` starts a new language from the template (``pybabel init``).
Run them as ``python -m bot.i18n`` (``__main__``). Developer tooling: the
bot never imports this module.
"""

from __future__ import annotations

import contextlib
import io
import re
from datetime import UTC, datetime
from pathlib import Path

from babel.core import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from bot.i18n.catalogues import LOCALES
from bot.i18n.checks import expected_plural_forms

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = Path(__file__).parent / "messages.pot"
SOURCES = ("bot", "retrieval")
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "tr": None,
    "N_": None,
    "plural": (1, 2),
    "Plural": (1, 2),
    "IngestError": None,
    "FetchError": None,
    "UsageError": None,
}
COMMENT_TAGS = ("Translators:",)
_TEMPLATE_HEADER = """\
# The messages of newsbot, the template every catalogue in locales/ is made from.
# Made from the code by `python -m bot.i18n update`: do not edit it; bot/i18n/README.md says how to translate."""
_HEADER = """\
# {name} messages of newsbot, the Telegram bot that answers questions from a news archive.
#
# To correct a translation, edit its msgstr. To bring this file up to date
# with the code, run `python -m bot.i18n update` (new messages come in empty
# or marked fuzzy); then `python -m bot.i18n check {code}` lists what is left.
# Keep every {{placeholder}} and HTML tag of the English; a message that counts
# has one msgstr[n] per plural form of the language (the Plural-Forms line
# below says which number takes which). bot/i18n/README.md says more."""


def extract(root: Path = ROOT) -> Catalog:
    """Every message the code says, with where it is said and the ``# Translators:`` comments before it."""
    template = Catalog(
        project="newsbot",
        version="1",
        fuzzy=False,
        creation_date=_EPOCH,
        revision_date=_EPOCH,
        header_comment=_TEMPLATE_HEADER,
    )
    for folder in SOURCES:
        # Babel warns of every f-string among a keyword's arguments, and ours are values (where=f"{name} line
        # {n}"), not messages; a message written as an f-string is caught by tests/bot/i18n instead.
        with contextlib.redirect_stderr(io.StringIO()):
            found = list(
                extract_from_dir(
                    root / folder,
                    method_map=[("**.py", "python")],
                    keywords=KEYWORDS,
                    comment_tags=COMMENT_TAGS,
                    strip_comment_tags=False,
                )
            )
        for filename, _lineno, message, comments, context in found:
            location = (f"{folder}/{filename}", None)
            existing = template.get(message[0] if isinstance(message, tuple) else message, context)
            if existing is None:
                template.add(message, None, [location], auto_comments=comments, context=context)
                continue
            if location not in existing.locations:
                existing.locations.append(location)
            existing.auto_comments.extend(comment for comment in comments if comment not in existing.auto_comments)
    return template


# A fixed date in the template's header: regenerating it changes the file only when a message changed.
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def template_text(template: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, template, width=120, include_lineno=False, omit_header=False)
    return out.getvalue()


def read(path: Path, code: str | None = None) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=code if code is not None else path.stem)


def _settle_header(catalog: Catalog, code: str) -> None:
    """The header a catalogue of ``code`` must have: its language, CLDR's plural rule, the translators' note."""
    catalog.locale = Locale.parse(code)
    catalog.header_comment = _HEADER.format(name=Locale.parse(code).get_display_name("en"), code=code)
    catalog.revision_date = _EPOCH
    catalog.creation_date = _EPOCH
    catalog.fuzzy = False


def write_catalogue(catalog: Catalog, path: Path) -> None:
    """Write one language's file, its plural rule set from CLDR (Babel's table) whatever it said before."""
    code = path.stem
    _settle_header(catalog, code)
    out = io.BytesIO()
    write_po(out, catalog, width=120, include_lineno=False)
    text = out.getvalue().decode()
    path.write_text(_with_plural_forms(text, expected_plural_forms(code)), encoding="utf-8")


def _with_plural_forms(text: str, plural_forms: str) -> str:
    """``text`` with its header's Plural-Forms entry (which the writer may wrap over several lines) set to one line."""
    lines = text.split("\n")
    start = next(index for index, line in enumerate(lines) if line.startswith('"Plural-Forms:'))
    end = start + 1
    while end < len(lines) and lines[end].startswith('"') and not _HEADER_KEY.match(lines[end]):
        end += 1
    lines[start:end] = [f'"Plural-Forms: {plural_forms}\\n"']
    return "\n".join(lines)


# A header entry's first line ("MIME-Version: …"), as opposed to a wrapped entry's next line.
_HEADER_KEY = re.compile(r'"[A-Za-z][A-Za-z-]*: ')


def update(template: Catalog, locales: Path = LOCALES) -> list[Path]:
    """Merge the template into every catalogue (``pybabel update``); returns the files written."""
    written = []
    for path in sorted(locales.glob("*.po")):
        catalog = read(path)
        catalog.update(template, no_fuzzy_matching=False, update_header_comment=False)
        write_catalogue(catalog, path)
        written.append(path)
    return written


def add(template: Catalog, code: str, locales: Path = LOCALES) -> Path:
    """A new, untranslated catalogue for ``code`` (a CLDR locale: ``uk``, ``pt_BR``), as ``pybabel init`` makes it."""
    Locale.parse(code)  # UnknownLocaleError for a code CLDR does not know
    path = locales / f"{code}.po"
    if path.exists():
        raise FileExistsError(f"{path} exists: run `python -m bot.i18n update` to bring it up to date")
    catalog = Catalog(locale=code, project="newsbot", version="1", fuzzy=False)
    catalog.update(template, no_fuzzy_matching=True)
    write_catalogue(catalog, path)
    return path
