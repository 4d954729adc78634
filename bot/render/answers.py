"""Answers, headline lists and opened articles as Telegram HTML, with their buttons: pure functions."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks
from bot.i18n import ENGLISH, Translator
from bot.render.html import (
    MAX_MARKS_PER_QUOTE,
    MAX_TITLE_CHARS,
    MAX_VISIBLE,
    Reply,
    escape,
    join_blocks,
    link,
    visible_length,
)
from retrieval import Article, Headline, SearchHit, SearchResult
from retrieval.models import Snippet
from retrieval.text.shorten import shorten

MAX_ECHO_CHARS = 80
MAX_QUESTION_CHARS = 1_000
# The passage under a quote, folded until tapped (Telegram's expandable blockquote).
MAX_PASSAGE_CHARS = 700


def _nav_row(
    back: callbacks.Callback | None, more: callbacks.Callback | None, tr: Translator = ENGLISH
) -> list[InlineKeyboardButton]:
    row = []
    if back is not None:
        # Translators: button: short, a phone shows about 30 characters across, less when two or three share a row.
        row.append(InlineKeyboardButton(tr("‹ Back"), callback_data=callbacks.encode(back)))
    if more is not None:
        # Translators: button: short, a phone shows about 30 characters across, less when two or three share a row.
        row.append(InlineKeyboardButton(tr("More ›"), callback_data=callbacks.encode(more)))
    return row


def _keyboard(rows: Sequence[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup | None:
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None


def feedback_buttons(question_id: int, liked: int = 0, disliked: int = 0) -> list[InlineKeyboardButton]:
    """👍 and 👎 for an answer, with the counts once someone pressed one."""
    return [
        InlineKeyboardButton(f"👍 {liked}" if liked else "👍", callback_data=callbacks.encode(callbacks.Feedback(question_id, True))),
        InlineKeyboardButton(
            f"👎 {disliked}" if disliked else "👎", callback_data=callbacks.encode(callbacks.Feedback(question_id, False))
        ),
    ]


def render_answer(
    result: SearchResult, key: str, page_size: int, question_id: int | None = None, tr: Translator = ENGLISH
) -> Reply:
    """The answer to a question: numbered headline links, dates, quoted snippets; Read, paging, Follow, 👍/👎.

    Without a ``key`` (the store could not keep the question) there is nothing
    for paging or Follow to point at: only Read is offered.
    """
    echo = escape(shorten(result.query, MAX_ECHO_CHARS, result.word_ends))
    if result.nothing_to_search:
        return Reply(
            tr(
                "I need a few words to search for: a name, a place or a topic.\n"
                "For example: <i>Who wants the MEK removed from the terrorist list?</i>\n"
                "Or see /latest and /top."
            )
        )
    if not result.hits:
        if result.offset:
            return Reply(tr("That was everything I found. Ask another question, or see /latest."))
        return Reply(
            tr(
                "I found nothing about “{question}”.\n"
                "Try other words (a person, a place, an organisation), or see /latest for the newest articles.",
                question=tr.isolate(echo),
            )
        )
    numbered = list(enumerate(result.hits, start=result.offset + 1))
    text, shown = join_blocks(_answer_block(number, hit, True, tr) for number, hit in numbered)
    if shown < len(numbered):  # the folded passages cost a result: show every result without them
        text, shown = join_blocks(_answer_block(number, hit, False, tr) for number, hit in numbered)
    read_row = [
        InlineKeyboardButton(
            # Translators: button: short, a phone shows about 30 characters across, less when two or three share a row.
            tr("Read {number}", number=number), callback_data=callbacks.encode(callbacks.ReadArticle(hit.headline.id))
        )
        for number, hit in enumerate(result.hits[:shown], start=result.offset + 1)
    ]
    back = callbacks.SearchPage(key, max(0, result.offset - page_size)) if result.offset and key else None
    more = callbacks.SearchPage(key, result.offset + page_size) if result.has_more and key else None
    follow = callbacks.encode(callbacks.FollowQuestion(key))
    # Translators: button: short, a phone shows about 30 characters across, less when two or three share a row.
    last_row = [InlineKeyboardButton(tr("🔔 Follow this topic"), callback_data=follow)] if key else []
    if question_id is not None:
        last_row += feedback_buttons(question_id)
    return Reply(text, _keyboard([read_row, _nav_row(back, more, tr), last_row]))


def _answer_block(number: int, hit: SearchHit, with_passage: bool, tr: Translator) -> str:
    """One result: headline link, date, the quote, and (folded) the passage it comes from."""
    date = tr.date(hit.headline.published)
    title = link(shorten(hit.headline.title, MAX_TITLE_CHARS), hit.headline.url)
    lines = [f"{tr.number(number)}. <b>{tr.isolate(title)}</b>"]
    if date:
        lines.append(f"<i>{date}</i>")
    snippet = Snippet(hit.snippet.text, hit.snippet.highlights[:MAX_MARKS_PER_QUOTE])
    lines.append(f"<blockquote>{tr.isolate(snippet.marked('<b>', '</b>', escape))}</blockquote>")
    passage = " ".join(hit.passage.split())
    if with_passage and passage and passage not in " ".join(hit.snippet.text.split()):
        lines.append(f"<blockquote expandable>{tr.isolate(escape(shorten(passage, MAX_PASSAGE_CHARS)))}</blockquote>")
    return "\n".join(lines)


def render_headlines(
    headlines: Sequence[Headline],
    *,
    title: str,
    offset: int,
    back: callbacks.Callback | None,
    more: callbacks.Callback | None,
    show_views: bool,
    empty: str | None = None,
    tr: Translator = ENGLISH,
) -> Reply:
    """A numbered list of headline links with dates (and views), with paging buttons.

    ``empty`` is said when the first page is empty (plain text; default: the archive has no articles).
    """
    if not headlines:
        if offset:
            return Reply(tr("No more articles."), _keyboard([_nav_row(back, None, tr)]))
        return Reply(escape(empty) if empty else tr("There are no articles yet."))
    blocks = [f"<b>{escape(title)}</b>"]
    for number, item in enumerate(headlines, start=offset + 1):
        details = [part for part in (tr.date(item.published),) if part]
        if show_views:
            details.append(tr.plural("{count} view", "{count} views", item.views))
        suffix = f" · <i>{' · '.join(details)}</i>" if details else ""
        title_link = tr.isolate(link(shorten(item.title, MAX_TITLE_CHARS), item.url))
        blocks.append(f"{tr.number(number)}. {title_link}{suffix}")
    text, _ = join_blocks(blocks, separator="\n")
    return Reply(text, _keyboard([_nav_row(back, more, tr)]))


def render_article(article: Article, tr: Translator = ENGLISH) -> Reply:
    """An opened article: headline link, date and as many first paragraphs as fit."""
    header = [f"<b>{tr.isolate(link(shorten(article.title, MAX_TITLE_CHARS), article.url))}</b>"]
    details = [part for part in (tr.date(article.published), tr.plural("{count} view", "{count} views", article.views)) if part]
    header.append(f"<i>{' · '.join(details)}</i>")
    paragraphs = [p.strip() for p in article.body.split("\n") if p.strip()]
    footer = link(tr("Read the full article on the site ›"), article.url)
    budget = MAX_VISIBLE - visible_length("\n".join(header)) - visible_length(footer) - 4
    body, _ = join_blocks((escape(p) for p in paragraphs), limit=budget)
    if not body and paragraphs:  # one paragraph longer than a message: cut it on a word
        body = escape(shorten(paragraphs[0], budget))
    return Reply("\n".join(header) + "\n\n" + body + "\n\n" + footer)
