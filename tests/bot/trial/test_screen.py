"""Telegram HTML read as Telegram reads it, and shown as the terminal chat shows it (pure)."""

from __future__ import annotations

import pytest

from bot.trial.screen import PLAIN, Style, buttons_of, render_message, render_text
from bot.trial.telegram_html import BotApiError, Entity, check_markup, parse, parse_html, utf16_length


def test_telegram_html_gives_the_shown_text_and_its_formatting() -> None:
    formatted = parse('1. <b><a href="https://x.example/a?b=1&amp;c=2">Iran &amp; MEK</a></b> <i>today</i>')
    assert formatted.text == "1. Iran & MEK today"
    assert formatted.entities == (
        Entity("b", 3, 13),
        Entity("a", 3, 13, "https://x.example/a?b=1&c=2"),
        Entity("i", 14, 19),
    )
    assert parse("<blockquote expandable>long</blockquote>").entities == (Entity("blockquote", 0, 4, None, True),)


@pytest.mark.parametrize(
    "html, refusal",
    [
        ("<p>x</p>", 'unsupported start tag "p"'),
        ("<b>x</i>", 'unmatched end tag "i"'),
        ("<b>x", "can't find end tag"),
        ("<a>x</a>", "<a> without href"),
        ("1 < 2", "unexpected character <"),
        ("a &nbsp; b", "unsupported entity"),
    ],
)
def test_what_telegram_refuses_is_refused(html: str, refusal: str) -> None:
    with pytest.raises(BotApiError) as refused:
        parse_html(html)
    assert refused.value.code == 400 and refusal in refused.value.description


def test_limits_are_counted_as_telegram_counts_them() -> None:
    assert utf16_length("👍 ok") == 5  # an emoji outside the BMP counts two
    check_markup({"inline_keyboard": [[{"text": "Read", "callback_data": "r|1"}]]})
    with pytest.raises(BotApiError, match="BUTTON_DATA_INVALID"):
        check_markup({"inline_keyboard": [[{"text": "Read", "callback_data": "x" * 65}]]})


def test_a_reply_shows_bold_links_spelled_out_and_quotes_behind_a_bar() -> None:
    html = (
        '1. <b><a href="https://news.example.com/a">Albania camp</a></b>\n'
        "<blockquote>The <b>camp</b> near Tirana.</blockquote>\n"
        "<blockquote expandable>First line.\nSecond line.</blockquote>\n\n"
        '2. <a href="https://news.example.com/b"><b>Other</b></a>'
    )
    assert render_text(html) == (
        "1. **Albania camp** (https://news.example.com/a)\n"
        "│ The **camp** near Tirana.\n"
        "┆ First line.\n┆ Second line.\n\n"
        "2. **Other** (https://news.example.com/b)"
    )


def test_a_link_whose_text_is_its_address_is_shown_once() -> None:
    assert render_text('<a href="https://t.me/newsbot">https://t.me/newsbot</a>') == "https://t.me/newsbot"


def test_on_a_terminal_formatting_is_attributes_and_stored_text_cannot_reach_the_terminal() -> None:
    terminal = Style.for_terminal(True)
    assert render_text("<b>bold</b> and <i>it</i>", style=terminal) == "\033[1mbold\033[22m and \033[3mit\033[23m"
    # An escape sequence stored in a title (from before ingest stripped them) is shown harmless.
    assert render_text("<b>Title\x1b[2J</b>", style=PLAIN) == "**Title[2J**"
    assert render_text("plain\x07 text", html=False) == "plain text"


def test_buttons_are_numbered_in_reading_order_under_the_text() -> None:
    markup = {
        "inline_keyboard": [
            [{"text": "Read 1", "callback_data": "r|1"}, {"text": "Read 2", "callback_data": "r|2"}],
            [{"text": "More ›", "callback_data": "s|k|3"}],
            [{"text": "Open in the bot ›", "url": "https://t.me/newsbot?start=a_7"}, {"text": "Share", "switch_inline_query": "x"}],
        ]
    }
    shown = render_message("<b>Answer</b>", markup)
    assert shown.text == (
        "**Answer**\n"
        "[1] Read 1   [2] Read 2\n"
        "[3] More ›\n"
        "[4] Open in the bot › (https://t.me/newsbot?start=a_7)   [5] Share"
    )
    assert [(b.number, b.callback_data, b.url, b.other) for b in shown.buttons][2:] == [
        (3, "s|k|3", None, None),
        (4, None, "https://t.me/newsbot?start=a_7", None),
        (5, None, None, "switch_inline_query"),
    ]
    assert buttons_of(None) == () and render_message("no buttons", None).text == "no buttons"
