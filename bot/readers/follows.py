"""Following topics: /follow, /following, /unfollow, /stop, /resume, and their buttons.

Readers follow topics in their private chat with the bot. In a group, the
group follows a topic (and gets the pushes) when one of its admins asks;
anyone else is told who can. New articles matching a topic are pushed by
``bot.sending.pushes``.
"""

from __future__ import annotations

import logging

from telegram import Chat, Message, Update, User
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import ContextTypes

from bot import callbacks
from bot.i18n import N_, Plural, Translator
from bot.render.follows import render_topics
from bot.render.html import Reply, escape
from bot.replies import edit_message
from bot.services import BotServices, services, translator
from retrieval import NotFoundError
from retrieval.follows.service import FollowOutcome
from retrieval.follows.topics import MAX_TOPIC_TERMS
from retrieval.text.shorten import shorten

log = logging.getLogger(__name__)

_ADMINS = {ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}


async def may_change_topics(chat: Chat, user: User | None, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """A reader in their own private chat; in a group, its admins only (a forged button press is neither)."""
    if user is None or chat.type == ChatType.CHANNEL:
        return False
    if chat.type == ChatType.PRIVATE:
        return user.id == chat.id
    member = await context.bot.get_chat_member(chat.id, user.id)
    return member.status in _ADMINS


# Translators: popup (and a message), at most 200 characters.
GROUP_ADMINS_ONLY = N_("In a group, only its admins can choose the topics it follows.")


async def _refused(update: Update, context: ContextTypes.DEFAULT_TYPE, tr: Translator) -> bool:
    """True, after saying why, when this user may not change the chat's topics (see ``may_change_topics``)."""
    message = update.effective_message
    if await may_change_topics(message.chat, update.effective_user, context):
        return False
    await message.reply_html(tr(GROUP_ADMINS_ONLY))
    return True


_FOLLOW_REFUSED = {
    FollowOutcome.COMMON_WORDS: N_(
        "Those are all very common words. Follow names, places or topics, e.g. <code>/follow MEK Albania</code>"
    ),
    FollowOutcome.TOO_MANY_WORDS: Plural(
        "Please follow at most {count} word at a time: an article must contain every one to match.",
        "Please follow at most {count} words at a time: an article must contain every one to match.",
    ),
    FollowOutcome.LIMIT: Plural(
        "You follow {count} topic already, the most I keep. Unfollow one in /following first.",
        "You follow {count} topics already, the most I keep. Unfollow one in /following first.",
    ),
}


async def follow_words(chat: Chat, words: str, bot_services: BotServices, tr: Translator) -> str:
    """Follow ``words`` for ``chat``; returns what to tell the reader (HTML)."""
    limit = bot_services.settings.max_topics
    followed = await bot_services.archive.follows.follow(chat.id, words, max_topics=limit, language=tr.language)
    if followed.outcome in _FOLLOW_REFUSED:
        most = MAX_TOPIC_TERMS if followed.outcome is FollowOutcome.TOO_MANY_WORDS else limit
        return tr(_FOLLOW_REFUSED[followed.outcome], count=most)
    shown = tr.isolate(escape(followed.topic.words))
    if followed.outcome is FollowOutcome.ALREADY:
        return tr("You already follow “{topic}”. See /following.", topic=shown)
    note = " " + tr("(Pushes are paused: send /resume to get them.)") if followed.paused_reason else ""
    return tr(
        "✅ Following “{topic}”. When a new article about it arrives I will send it here.{note}\n"
        "See /following to list or unfollow your topics, /stop to pause all of them.",
        topic=shown,
        note=note,
    )


async def follow_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/follow WORDS: get new articles about WORDS."""
    message = update.effective_message
    tr = await translator(update, context)
    words = " ".join(context.args or [])
    if not words.strip():
        await message.reply_html(tr("Write what to follow after the command, e.g. <code>/follow MEK Albania</code>"))
        return
    if await _refused(update, context, tr):
        return
    await message.reply_html(await follow_words(message.chat, words, services(context), tr))


async def following_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/following: the chat's topics, with buttons to unfollow."""
    message = update.effective_message
    reply = await _topic_list(message.chat.id, services(context), await translator(update, context))
    await message.reply_html(reply.text, reply_markup=reply.keyboard)


async def _topic_list(chat_id: int, bot_services: BotServices, tr: Translator) -> Reply:
    follows = bot_services.archive.follows
    topics = await follows.topics(chat_id)
    paused = await follows.paused_reason(chat_id)
    return render_topics(topics, bot_services.settings.max_topics, tr(paused) if paused else None, tr)


async def unfollow_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/unfollow [NUMBER|WORDS]: stop following one topic (without arguments: the list to choose from)."""
    message = update.effective_message
    bot_services = services(context)
    tr = await translator(update, context)
    wanted = " ".join(context.args or []).strip()
    if not wanted:
        await following_command(update, context)
        return
    if await _refused(update, context, tr):
        return
    try:
        topic = await bot_services.archive.follows.unfollow_named(message.chat.id, wanted)
    except NotFoundError:
        shown = tr.isolate(escape(wanted[:100]))
        await message.reply_html(tr("You do not follow “{topic}”. See /following.", topic=shown))
        return
    await message.reply_html(tr("Unfollowed “{topic}”.", topic=tr.isolate(escape(topic.words))))


async def stop_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stop: pause every push to this chat (topics are kept)."""
    message = update.effective_message
    tr = await translator(update, context)
    if await _refused(update, context, tr):
        return
    await services(context).archive.follows.stop(message.chat.id)
    await message.reply_html(tr("⏸ I will send no new articles here. Your topics are kept: /resume to get them again."))


async def resume_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/resume: send pushes again."""
    message = update.effective_message
    tr = await translator(update, context)
    if await _refused(update, context, tr):
        return
    await services(context).archive.follows.resume(message.chat.id)
    await message.reply_html(tr("▶️ New articles on your topics will be sent here again. See /following."))


async def on_follow_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """"🔔 Follow this topic" under an answer, and "✖ Unfollow" under /following."""
    query = update.callback_query
    action = callbacks.decode(query.data)
    message = query.message
    bot_services = services(context)
    tr = await translator(update, context)
    if not isinstance(message, Message) or not isinstance(action, callbacks.FollowQuestion | callbacks.Unfollow):
        # Translators: popup, at most 200 characters.
        await query.answer(tr("This button has expired."))
        return
    if not await may_change_topics(message.chat, update.effective_user, context):
        await query.answer(tr(GROUP_ADMINS_ONLY))
        return
    if isinstance(action, callbacks.FollowQuestion):
        remembered = await bot_services.archive.recall_question(action.key)
        if remembered is None:
            # Translators: popup, at most 200 characters.
            await query.answer(tr("This answer has expired. Use /follow WORDS instead."))
            return
        await query.answer()
        await message.reply_html(await follow_words(message.chat, remembered[0], bot_services, tr))
        return
    try:
        topic = await bot_services.archive.follows.unfollow(message.chat.id, action.topic_id)
        await query.answer(shorten(tr("Unfollowed “{topic}”.", topic=topic.words), 190))
    except NotFoundError:
        # Translators: popup, at most 200 characters.
        await query.answer(tr("You no longer follow that topic."))
    await edit_message(message, await _topic_list(message.chat.id, bot_services, tr))
