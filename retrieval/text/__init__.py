"""Text as search sees it: normalising, tokens and stems (English, Persian), sentences, passages, cutting, cleaning.

Owns the analyzer that turns an article and a question into the same
terms, the sentence and passage boundaries, and the small rules every
part shows text by (``shorten``, ``strip_controls``). Pure: imports nothing
of newsbot, so every other package may use it.
"""
