"""What a catalogue must be before the bot speaks it: complete, faithful to the English, and within Telegram's limits.

``problems(catalog, template)`` lists, for one language's ``.po`` file read
with Babel, every way it falls short of the template (``bot/i18n/template``):

- a message of the code missing, untranslated or fuzzy; a plural without
  exactly as many forms as its language has (CLDR, as Babel writes the
  ``Plural-Forms`` header) or with one left empty; a wrong header;
- ``{placeholders}`` not the English ones (a form that only ever stands for
  one number, such as Arabic's "two", may leave ``{count}`` out);
- HTML (the bot's own messages are Telegram HTML) with other tags than the
  English, or a bare ``<``, ``>`` or ``&`` that Telegram would refuse;
- text longer than Telegram takes for its kind once the placeholders hold
  the longest values they hold in practice (``LONGEST``): a message 4,096
  characters, a photo caption 1,024, a popup 200, a command description 256,
  a button 32 (a phone shows about that much across); the kind is what the
  code's ``# Translators:`` comment before the message says (``KINDS``).

The same function serves ``python -m bot.i18n check`` (translators) and the
test suite (tests/bot/i18n), so both say the same thing. Pure: no I/O.
"""

from __future__ import annotations

import gettext
import html
import re
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from babel.core import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.plurals import get_plural

# Telegram's limits for each kind of text, in characters as Telegram counts them (UTF-16 units, tags removed).
KINDS = {"message": 4096, "caption": 1024, "popup": 200, "command menu": 256, "button": 32, "chart": 60}
# The longest value each placeholder holds in practice (a number: the largest count; text: as long as it is cut).
LONGEST: dict[str, int | str] = {
    **dict.fromkeys(
        ("count", "offered", "new", "updated", "unchanged", "failed", "sent", "queued", "indexed", "nothing",
         "questions", "readers", "liked", "disliked", "ratings", "done", "total", "before", "words", "length", "written",
         "articles"),
        12_345_678,
    ),
    **dict.fromkeys(
        ("number", "feed", "most", "limit", "days", "size", "seconds", "status", "byte", "column", "topics", "chats",
         "paused", "failing", "year", "first", "last", "line"),
        99_999,
    ),
    **dict.fromkeys(("title", "topic", "reference", "error", "reason", "problem", "result", "note", "url", "text"), "x" * 200),
    "privacy": "x" * 400,
    **dict.fromkeys(("name", "channel", "question", "word", "usage", "host", "address", "value", "missing", "found"), "x" * 80),
    **dict.fromkeys(("kind", "type", "suffix", "scheme", "field", "window", "interval", "ago", "state", "after", "share",
                      "encoding", "delimiter", "least", "date", "action"), "x" * 30),
}  # fmt: skip
_TAG = re.compile(r"</?([a-z-]+)[^>]*>")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);")
_TRANSLATORS = "Translators:"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one message of a catalogue."""

    message: str
    what: str

    def __str__(self) -> str:
        return f"{self.message!r}: {self.what}"


def placeholders(text: str) -> set[str]:
    """The ``{names}`` a message fills (``{count}``, ``{title}``); braces around anything else are text (a JSON
    example), as the message is never formatted then."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name and name.isidentifier()}
    except ValueError:  # an unbalanced brace
        return {"{unbalanced brace}"} if re.search(r"\{[A-Za-z_]\w*\}", text) else set()


def tags(text: str) -> list[str]:
    """The HTML tags of a message in order (``b``, ``/b``, ``a``…)."""
    return [match.group(0).split()[0].rstrip(">").lstrip("<") for match in _TAG.finditer(text)]


def shown(markup: str) -> str:
    """What Telegram shows of HTML: tags removed, entities decoded."""
    return html.unescape(_TAG.sub("", markup))


def telegram_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def kind(message: Message) -> str:
    """The kind of text the code's ``# Translators:`` comment names ("button", "popup"…); a message otherwise."""
    for comment in message.auto_comments:
        words = comment.removeprefix(_TRANSLATORS).strip().lower()
        for name in KINDS:
            if words.startswith(name):
                return name
    return "message"


def is_html(message: Message) -> bool:
    """The bot's own messages are Telegram HTML; the core's (retrieval/) are plain text, escaped where shown."""
    return any(location.startswith("bot/") for location, _ in message.locations)


def filled(text: str, names: set[str]) -> str:
    """``text`` with each placeholder at its longest (``LONGEST``; an unknown name is a long word)."""
    if not names:
        return text
    values = {name: LONGEST.get(name, "x" * 200) for name in names}
    return text.format(**{name: f"{value:,}" if isinstance(value, int) else value for name, value in values.items()})


def _single_numbers(plural_form: Callable[[int], int], nplurals: int) -> set[int]:
    """The plural forms that stand for one number only (Arabic's zero, one, two): they may leave ``{count}`` out."""
    numbers: dict[int, set[int]] = {index: set() for index in range(nplurals)}
    for count in range(1000):
        numbers.setdefault(plural_form(count), set()).add(count)
    return {index for index, counts in numbers.items() if len(counts) == 1}


def expected_plural_forms(code: str) -> str:
    """The ``Plural-Forms`` header CLDR gives the language (what Babel writes into a new catalogue)."""
    rule = get_plural(Locale.parse(code))
    return f"nplurals={rule.num_plurals}; plural={rule.plural_expr};"


def _form_problems(source: Message, text: str, english: str, *, may_omit_count: bool) -> Iterator[str]:
    wanted = placeholders(english)
    have = placeholders(text)
    if may_omit_count:
        have |= {"count"} & wanted
    if have != wanted:
        yield f"placeholders {sorted(have)} instead of {sorted(wanted)}"
        return
    if is_html(source):
        if tags(text) != tags(english):
            yield f"HTML tags {tags(text)} instead of {tags(english)}"
        bare = _ENTITY.sub("", _TAG.sub("", text))
        if any(char in bare for char in "<>&"):
            yield "a bare <, > or & (write &lt; &gt; &amp;)"
    body = filled(text, wanted)
    length = telegram_length(shown(body) if is_html(source) else body)
    limit = KINDS[kind(source)]
    if length > limit:
        yield f"{length} characters with the longest values, more than a {kind(source)} may have ({limit})"


def problems(catalog: Catalog, template: Catalog) -> list[Problem]:
    """Everything that keeps ``catalog`` (one language) from being complete and safe to send (see the module)."""
    found: list[Problem] = []
    code = str(catalog.locale) if catalog.locale else ""
    plural_forms = catalog.mime_headers and dict(catalog.mime_headers).get("Plural-Forms", "")
    if code and (plural_forms or "").replace(" ", "") != expected_plural_forms(code).replace(" ", ""):
        found.append(Problem("", f"the Plural-Forms header should be {expected_plural_forms(code)!r}"))
    nplurals = catalog.num_plurals
    single = _single_numbers(gettext.c2py(catalog.plural_expr), nplurals)
    for source in template:
        if not source.id:
            continue
        name = source.id[0] if isinstance(source.id, tuple) else source.id
        translated = catalog.get(source.id)
        if translated is None or not translated.string or (isinstance(translated.string, tuple) and not any(translated.string)):
            found.append(Problem(name, "not translated"))
            continue
        if translated.fuzzy:
            found.append(Problem(name, "fuzzy: check the translation, then remove the fuzzy flag"))
            continue
        if isinstance(source.id, tuple):
            forms = translated.string if isinstance(translated.string, tuple) else (translated.string,)
            if len(forms) != nplurals or not all(forms):
                found.append(Problem(name, f"needs all {nplurals} plural forms of its language, has {sum(map(bool, forms))}"))
                continue
            for index, form in enumerate(forms):
                for what in _form_problems(source, form, source.id[1], may_omit_count=index in single):
                    found.append(Problem(name, f"form {index}: {what}"))
        else:
            for what in _form_problems(source, str(translated.string), source.id, may_omit_count=False):
                found.append(Problem(name, what))
    return found

