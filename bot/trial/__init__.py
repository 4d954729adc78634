"""Trying the bot without Telegram (``newsbot try``): the real bot, a local stand-in for Telegram, a chat in the terminal.

A newsroom deciding whether to adopt the bot wants to see its replies, its
buttons and its Persian before it asks @BotFather for a token. ``chat`` runs
the same Application (``bot.app.build_application``) and the same start and
stop (``bot.runner.serving``) as ``newsbot run``, against ``botapi``, a
stand-in for Telegram's Bot API on 127.0.0.1 that checks what the bot sends
as Telegram would (``telegram_html``); the terminal shows each reply as a
phone would (``screen``) and presses its buttons by number. The end-to-end
tests drive the same stand-in (``tests/botapi.py`` adds the failures they
inject).

May import ``app``, ``runner`` and ``settings`` of the bot, and of the core
``retrieval.text`` (to show text safely) and ``store.maintenance`` (to copy
an archive); ``telegram_html`` and ``screen`` are pure.
"""
