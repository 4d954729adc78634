"""What the newsroom learns from readers: questions, 👍/👎, what found nothing; and a reader's right to be forgotten.

Readers are kept under a keyed hash, never their Telegram id.

May import: ``store``, ``models``, ``text``, ``errors``.
"""
