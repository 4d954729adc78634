"""Admin handlers for feeds: /feeds (with buttons) and /feed add|pause|resume|check|remove."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from telegram import Update
from telegram.ext import ContextTypes

from bot import callbacks, posts, render
from bot.admin import admin_only
from bot.arguments import FeedCommand, UsageError, parse_feed_command
from bot.handlers import edit_message
from bot.render import Reply
from bot.services import BotServices, services
from retrieval import IngestError, NotFoundError
from retrieval.polling import PAUSED_BY_ADMIN, describe_interval

log = logging.getLogger(__name__)


@admin_only
async def feeds_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/feeds: every feed with its state, last error and buttons."""
    reply = await _feed_list(services(context))
    await update.effective_message.reply_html(reply.text, reply_markup=reply.keyboard)


async def _feed_list(bot_services: BotServices) -> Reply:
    return posts.render_feeds(await bot_services.archive.feeds.all(), datetime.now(UTC))


@admin_only
async def feed_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/feed add URL [every 15m] | pause ID | resume ID | check [ID] | remove ID."""
    message = update.effective_message
    try:
        command = parse_feed_command(context.args or [])
    except UsageError as error:
        await message.reply_html(render.escape(str(error)))
        return
    bot_services = services(context)
    if command.action == "add":
        status = await message.reply_html("Reading the feed and loading its articles…")
        await edit_message(status, Reply(await _add(bot_services, command)))
        return
    if command.action == "check":
        status = await message.reply_html("Polling…")
        await edit_message(status, Reply(await _check(bot_services, command.feed_id)))
        return
    try:
        text = render.escape(await _change(bot_services, command.action, command.feed_id or 0))
    except NotFoundError:
        text = f"There is no feed {command.feed_id}. See /feeds."
    await message.reply_html(text)


async def _add(bot_services: BotServices, command: FeedCommand) -> str:
    try:
        feed, first_poll = await bot_services.archive.add_feed(command.url, command.interval)
    except IngestError as error:
        return f"✗ Not added: {render.escape(error.reason)}"
    return (
        f"✓ Added feed {feed.id}: {render.link(render.shorten(feed.name, 80), feed.url)} ({render.escape(feed.kind)}),"
        f" polled every {describe_interval(command.interval)}.\n"
        f"First poll: {render.escape(first_poll)}. These are not posted to the channel; new items from now on are."
    )


async def _check(bot_services: BotServices, feed_id: int | None) -> str:
    poller = bot_services.archive.poller
    ids = [feed_id] if feed_id is not None else [feed.id for feed in await bot_services.archive.feeds.all() if not feed.paused]
    if not ids:
        return "There are no active feeds to poll. See /feeds."
    lines = []
    for number in ids:
        try:
            result = await poller.poll(number)
        except NotFoundError:
            return f"There is no feed {number}. See /feeds."
        lines.append(f"{number}. {render.escape(render.shorten(result.name, 60))}: {render.escape(result.summary())}")
    text, _ = render.join_blocks(lines, separator="\n")
    return text


async def _change(bot_services: BotServices, action: str, feed_id: int) -> str:
    """Pause, resume or remove a feed; returns what was done, as plain text."""
    feeds = bot_services.archive.feeds
    now = datetime.now(UTC)
    if action == "pause":
        feed = await feeds.set_paused(feed_id, PAUSED_BY_ADMIN, now)
        return f"⏸ Paused feed {feed.id} ({render.shorten(feed.name, 80)})."
    if action == "resume":
        feed = await feeds.set_paused(feed_id, None, now)
        return f"▶️ Resumed feed {feed.id} ({render.shorten(feed.name, 80)}); it is polled within a minute."
    feed = await feeds.remove(feed_id)
    return f"🗑 Removed feed {feed.id} ({render.shorten(feed.name, 80)}). The articles it brought stay."


async def on_feed_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Buttons under /feeds; only admins may press them (anyone can forge a press)."""
    query = update.callback_query
    bot_services = services(context)
    action = callbacks.decode(query.data)
    if not bot_services.is_admin(update.effective_user):
        user = update.effective_user
        log.warning("refused a feed button from non-admin user id %s", user.id if user else "unknown")
        await query.answer("Only the site's editors can change feeds.")
        return
    if not isinstance(action, callbacks.FeedAction) or query.message is None:
        await query.answer("This list has expired. Send /feeds again.")
        return
    if action.action != "list":
        try:
            feed = await bot_services.archive.feeds.get(action.feed_id)
        except NotFoundError:
            await query.answer("That feed was removed.")
            await edit_message(query.message, await _feed_list(bot_services))
            return
    if action.action == "remove":
        await query.answer()
        await edit_message(query.message, posts.render_remove_question(feed))
        return
    if action.action == "check":
        await query.answer("Polling…")
        result = await bot_services.archive.poller.poll(action.feed_id)
        await query.message.reply_html(render.escape(f"Feed {action.feed_id}: {result.summary()}"))
    elif action.action == "list":
        await query.answer()
    else:
        note = await _change(bot_services, "remove" if action.action == "confirm" else action.action, action.feed_id)
        await query.answer(render.shorten(note, 190))
    await edit_message(query.message, await _feed_list(bot_services))
