"""newsbot's front ends: the Telegram bot and the ``newsbot`` command line."""
