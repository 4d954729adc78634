"""Getting articles in: files (JSON Lines, JSON, CSV, HTML, ZIP), pages by URL, validation, and the load itself.

Owns ``decoding`` (a file's encoding, told for sure or refused, and its
lines one by one), ``formats`` and ``records`` (pure parsing and validation), ``sources``
(what an admin names, as article streams), ``fetch`` (safe downloads),
``extract`` (trafilatura), ``loader`` (batches into the store, with a
report) and ``seeds`` (the demo articles).

May import: ``text``, ``models``, ``errors``, ``messages``, ``workers`` and
the store's ``interface``.
"""
