"""What the bot remembers of each chat beyond one process: its language, the pause of its pushes, the pages
behind its answers' buttons and the updates already answered.

May import: ``store``, ``errors``.
"""
