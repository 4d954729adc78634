"""Finding and quoting: the BM25 index (tantivy) at two grains, ranking, one story once, the quote, index sync.

Owns the index files and everything that reads or writes them: ``index``
(the only module that imports tantivy), ``ranking``, ``stories`` and
``quotes`` (pure), ``searcher`` (a question to a page of quoted hits) and
``index_sync`` (keeping the index in step with the store's change log).

May import: ``text``, ``models``, ``errors``, ``workers``, and the store's
``interface`` (what it reads of the store). Never feeds, follows, outbox.
"""
