"""A Persian reader, end to end: the interface follows their app's language, /language changes and remembers it."""

from __future__ import annotations

from bot.i18n import language_name, languages
from bot.services import BotServices
from bot.trial.telegram_html import parse_html
from tests.botapi import FakeBotApi
from tests.e2e.conftest import READER_ID

PERSIAN_READER = 3131
RUSSIAN_READER = 3232


async def ask(api: FakeBotApi, text: str, user_id: int):
    mark = api.mark()
    await api.send_text(text, user_id=user_id)
    return await api.next_call("sendMessage", chat_id=user_id, after=mark)


async def test_a_reader_whose_app_is_in_persian_gets_persian(api: FakeBotApi, bot: BotServices) -> None:
    api.user_languages[PERSIAN_READER] = "fa"
    welcome = parse_html((await ask(api, "/start", PERSIAN_READER)).params["text"])
    assert welcome.startswith("👋 من به پرسش‌ها از روی بایگانی خبری این سایت پاسخ می‌دهم.")
    answer = await ask(api, "Albania MEK camp", PERSIAN_READER)
    shown = parse_html(answer.params["text"])  # the local server's HTML check
    assert shown.startswith("۱. \u2068") and "۲. \u2068" in shown  # Persian digits, English headlines isolated
    labels = [button["text"] for row in answer.params["reply_markup"]["inline_keyboard"] for button in row]
    assert "خواندن ۱" in labels and "بیشتر ›" in labels and "🔔 دنبال کردن این موضوع" in labels
    latest = parse_html((await ask(api, "/latest 2", PERSIAN_READER)).params["text"])
    assert latest.startswith("تازه‌ترین مطالب\n۱. ")
    nothing = parse_html((await ask(api, "/top 99", PERSIAN_READER)).params["text"])
    assert nothing.startswith("لطفاً بین ۱ تا ۲۰ مطلب بخواهید")
    # English readers are unaffected.
    assert parse_html((await ask(api, "/latest 1", READER_ID)).params["text"]).startswith("Latest articles\n1. ")


async def test_language_command_switches_and_is_remembered(api: FakeBotApi, bot: BotServices) -> None:
    choice = await ask(api, "/language", READER_ID)
    buttons = [button for row in choice.params["reply_markup"]["inline_keyboard"] for button in row]
    labels = [button["text"] for button in buttons]
    # Every language by its own name, the reader's marked, English first, then by code (as many as a page holds).
    assert labels[0] == "✓ English" and labels[-1] == "📱 My Telegram app's language"
    assert labels[1:4] == [language_name(code) for code in languages()[1:4]]
    assert {"فارسی", "Русский", "中文", "Deutsch"} <= set(labels)
    persian = buttons[labels.index("فارسی")]
    mark = api.mark()
    await api.press(api.stored(choice), persian["callback_data"], user_id=READER_ID)
    confirm = await api.next_call("sendMessage", chat_id=READER_ID, after=mark)
    assert parse_html(confirm.params["text"]).startswith("از این پس فارسی می‌نویسم.")
    assert await bot.archive.language(READER_ID) == "fa"
    reply = parse_html((await ask(api, "/follow MEK", READER_ID)).params["text"])
    assert reply.startswith("✅ «\u2068MEK\u2069» دنبال می‌شود.")
    # Forged language buttons are answered, not crashed on.
    callback = await api.press(api.stored(choice), "g|xx", user_id=READER_ID)
    await api.wait_for(lambda c: c.method == "answerCallbackQuery" and c.params.get("callback_query_id") == callback)
    # Back to the app's language (this reader's app says nothing: the bot's default, English).
    mark = api.mark()
    await api.press(api.stored(choice), buttons[-1]["callback_data"], user_id=READER_ID)
    confirm = await api.next_call("sendMessage", chat_id=READER_ID, after=mark)
    assert parse_html(confirm.params["text"]).startswith("From now on I write in the language of your Telegram app.")
    assert await bot.archive.language(READER_ID) is None


async def test_a_reader_whose_app_is_in_regional_russian_gets_russian_plurals(api: FakeBotApi, bot: BotServices) -> None:
    api.user_languages[RUSSIAN_READER] = "ru-RU"
    latest = parse_html((await ask(api, "/latest 2", RUSSIAN_READER)).params["text"])
    assert latest.startswith("Свежие статьи\n1. ")
    assert parse_html((await ask(api, "/top 99", RUSSIAN_READER)).params["text"]).startswith(
        "Укажите число статей от 1 до 20, например /top"
    )
    assert "Я храню ваши вопросы и 👍/👎 90 дней" in parse_html((await ask(api, "/help", RUSSIAN_READER)).params["text"])


async def test_commands_are_registered_in_every_language(api: FakeBotApi, bot: BotServices) -> None:
    persian = [c for c in api.calls if c.method == "setMyCommands" and c.params.get("language_code") == "fa"]
    assert persian and {"command": "follow", "description": "دریافت مطالب تازه درباره‌ی یک موضوع"} in persian[0].params["commands"]
    russian = [c for c in api.calls if c.method == "setMyCommands" and c.params.get("language_code") == "ru"]
    assert russian and {"command": "follow", "description": "Получать новые статьи по теме"} in russian[0].params["commands"]


async def test_an_admin_whose_app_is_in_persian_gets_persian_stats(api: FakeBotApi, bot: BotServices) -> None:
    from tests.e2e.conftest import ADMIN_ID

    api.user_languages[ADMIN_ID] = "fa"
    stats = parse_html((await ask(api, "/stats", ADMIN_ID)).params["text"])
    assert stats.startswith("بایگانی\nمطالب: ۱۱\n")
    assert "خوراک‌ها: ۰" in stats
    feeds = parse_html((await ask(api, "/feeds", ADMIN_ID)).params["text"])
    assert feeds.startswith("خوراک‌ها\nهنوز خوراکی نیست.")


async def test_a_persian_admin_reads_why_rows_failed_in_persian(api: FakeBotApi, bot: BotServices) -> None:
    from tests.e2e.conftest import ADMIN_ID

    api.user_languages[ADMIN_ID] = "fa"
    rows = b'{"title": "no url", "body": "text"}\n{"url": "https://x.org/a", "body": "Body.", "views": -3}\n'
    mark = api.mark()
    await api.send_document(rows, "bad.jsonl", user_id=ADMIN_ID)
    report = await api.wait_for(
        lambda c: c.method == "editMessageText" and "بدون تغییر" in c.params.get("text", ""), after=mark  # the summary
    )
    text = parse_html(report.params["text"])
    assert "۰ تازه · ۰ به‌روزشده · ۰ بدون تغییر · ۲ ناموفق" in text
    assert "فیلد «url»: ناموجود" in text and "فیلد «views»: نباید منفی باشد، -3 آمد" in text
    assert "سطرهای خوانده‌شده: ۲" in text
    # /stats tells that load in Persian too, naming the file as it was sent (not where it was saved meanwhile).
    stats = parse_html((await ask(api, "/stats", ADMIN_ID)).params["text"])
    assert "(\u2068bad.jsonl\u2069: ۰ تازه · ۰ به‌روزشده · ۰ بدون تغییر · ۲ ناموفق)" in stats
    assert "newsbot-upload-" not in stats and "new" not in stats
