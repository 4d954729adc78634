"""What operators see of a running bot: its logs, counters, the status file and the health check.

May import nothing of the bot's handlers; ``health`` reads the archive's
files (``retrieval.archive.check_files``) and the serving lock.
"""
