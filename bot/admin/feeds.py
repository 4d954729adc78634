"""Admin handlers for feeds: /feeds (with buttons) and /feed add|pause|resume|check|remove."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Update
from telegram.ext import ContextTypes

from bot import callbacks
from bot.admin.guard import admin_only
from bot.arguments import FeedCommand, UsageError, parse_feed_command
from bot.i18n import Translator
from bot.render.feeds import render_feeds, render_remove_question
from bot.render.html import Reply, escape, join_blocks, link
from bot.replies import edit_message
from bot.services import BotServices, services, translator
from retrieval import IngestError, NotFoundError
from retrieval.feeds.intervals import whole_units
from retrieval.text.shorten import shorten


@admin_only
async def feeds_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/feeds: every feed with its state, last error and buttons."""
    reply = await _feed_list(services(context), await translator(update, context))
    await update.effective_message.reply_html(reply.text, reply_markup=reply.keyboard)


async def _feed_list(bot_services: BotServices, tr: Translator) -> Reply:
    return render_feeds(await bot_services.archive.feeds.all(), datetime.now(UTC), tr)


@admin_only
async def feed_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/feed add URL [every 15m] | pause ID | resume ID | check [ID] | remove ID."""
    message = update.effective_message
    tr = await translator(update, context)
    try:
        command = parse_feed_command(context.args or [])
    except UsageError as error:
        await message.reply_html(escape(tr(error.message, **error.values)))
        return
    bot_services = services(context)
    if command.action == "add":
        status = await message.reply_html(tr("Reading the feed and loading its articles…"))
        await edit_message(status, Reply(await _add(bot_services, command, tr)))
        return
    if command.action == "check":
        status = await message.reply_html(tr("Polling…"))
        await edit_message(status, Reply(await _check(bot_services, command.feed_id, tr)))
        return
    try:
        text = escape(await _change(bot_services, command.action, command.feed_id or 0, tr))
    except NotFoundError:
        text = tr("There is no feed {number}. See /feeds.", number=tr.digits(str(command.feed_id)))  # as typed
    await message.reply_html(text)


async def _add(bot_services: BotServices, command: FeedCommand, tr: Translator) -> str:
    try:
        feed, first_poll = await bot_services.archive.feeds.add(command.url, command.interval, command.language)
    except IngestError as error:
        return tr("✗ Not added: {reason}", reason=escape(tr(error.message, **error.values)))
    return tr(
        "✓ Added feed {number}: {name} ({kind}), polled every {interval}.\n"
        "First poll: {result}. These are not posted to the channel; new items from now on are.",
        number=feed.id,
        name=tr.isolate(link(shorten(feed.name, 80), feed.url)),
        kind=escape(tr(feed.kind)),
        interval=tr.duration(*whole_units(command.interval)),
        result=escape(first_poll.summary(tr)),
    )


async def _check(bot_services: BotServices, feed_id: int | None, tr: Translator) -> str:
    feeds = bot_services.archive.feeds
    ids = [feed_id] if feed_id is not None else [feed.id for feed in await feeds.all() if not feed.paused]
    if not ids:
        return tr("There are no active feeds to poll. See /feeds.")
    lines = []
    for number in ids:
        try:
            result = await feeds.poll(number)
        except NotFoundError:
            return tr("There is no feed {number}. See /feeds.", number=tr.digits(str(number)))  # as typed
        name = tr.isolate(escape(shorten(result.name, 60)))
        lines.append(f"{tr.number(number)}. {name}: {escape(result.summary(tr))}")
    text, _ = join_blocks(lines, separator="\n")
    return text


async def _change(bot_services: BotServices, action: str, feed_id: int, tr: Translator) -> str:
    """Pause, resume or remove a feed; returns what was done, as plain text."""
    feeds = bot_services.archive.feeds
    if action == "pause":
        feed = await feeds.pause(feed_id)
        return tr("⏸ Paused feed {number} ({name}).", number=feed.id, name=tr.isolate(shorten(feed.name, 80)))
    if action == "resume":
        feed = await feeds.resume(feed_id)
        return tr(
            "▶️ Resumed feed {number} ({name}); it is polled within a minute.",
            number=feed.id,
            name=tr.isolate(shorten(feed.name, 80)),
        )
    feed = await feeds.remove(feed_id)
    return tr(
        "🗑 Removed feed {number} ({name}). The articles it brought stay.",
        number=feed.id,
        name=tr.isolate(shorten(feed.name, 80)),
    )


@admin_only
async def on_feed_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Buttons under /feeds (admins only: ``admin_only``)."""
    query = update.callback_query
    bot_services = services(context)
    action = callbacks.decode(query.data)
    tr = await translator(update, context)
    if not isinstance(action, callbacks.FeedAction) or query.message is None:
        # Translators: popup, at most 200 characters.
        await query.answer(tr("This list has expired. Send /feeds again."))
        return
    if action.action != "list":
        try:
            feed = await bot_services.archive.feeds.get(action.feed_id)
        except NotFoundError:
            # Translators: popup, at most 200 characters.
            await query.answer(tr("That feed was removed."))
            await edit_message(query.message, await _feed_list(bot_services, tr))
            return
    if action.action == "remove":
        await query.answer()
        await edit_message(query.message, render_remove_question(feed, tr))
        return
    if action.action == "check":
        # Translators: popup, at most 200 characters.
        await query.answer(tr("Polling…"))
        result = await bot_services.archive.feeds.poll(action.feed_id)
        await query.message.reply_html(
            escape(tr("Feed {number}: {result}", number=action.feed_id, result=result.summary(tr)))
        )
    elif action.action == "list":
        await query.answer()
    else:
        note = await _change(bot_services, "remove" if action.action == "confirm" else action.action, action.feed_id, tr)
        await query.answer(shorten(note, 190))
    await edit_message(query.message, await _feed_list(bot_services, tr))
