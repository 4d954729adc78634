"""Text as search sees it, in every language: normalising, tokens and stems, sentences, passages, cutting, cleaning.

Owns the analyzer that turns an article and a question into the same
terms, one folder per language under ``languages/`` (its steps, its
stopwords, its sentence rules) and the detector that names a text's
language; which languages a question is read in (``questions``); the
sentence and passage boundaries; and the small rules every part shows text
by (``shorten``, ``strip_controls``). Pure: imports nothing of newsbot, so
every other package may use it.
"""
