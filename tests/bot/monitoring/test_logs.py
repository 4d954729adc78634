import json
import logging

import pytest

from bot.monitoring.health import role_details
from bot.monitoring.logs import REDACTED, JsonFormatter, RedactingFormatter, configure_logging
from bot.monitoring.metrics import Metrics
from retrieval.messages import IN_RESULT

TOKEN = "123456789:AAHsecretPartOfTheToken"


def record(message: str, *args: object, exc: bool = False) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise RuntimeError(f"request to https://api.telegram.org/bot{TOKEN}/getMe failed")
        except RuntimeError:
            import sys

            exc_info = sys.exc_info()
    return logging.LogRecord("httpx", logging.INFO, __file__, 1, message, args, exc_info)


@pytest.mark.parametrize("formatter", [RedactingFormatter([TOKEN]), JsonFormatter([TOKEN])])
def test_token_is_redacted_in_message_args_and_tracebacks(formatter: logging.Formatter) -> None:
    lines = [
        formatter.format(record("HTTP Request: POST %s", f"https://api.telegram.org/bot{TOKEN}/getUpdates")),
        formatter.format(record(f"url was https://api.telegram.org/bot{TOKEN}/x")),
        formatter.format(record("failed", exc=True)),
    ]
    for line in lines:
        assert TOKEN not in line and REDACTED in line


def test_json_lines_are_json() -> None:
    line = JsonFormatter([]).format(record("hello %s", "world", exc=True))
    entry = json.loads(line)
    assert entry["message"] == "hello world" and entry["level"] == "INFO" and "RuntimeError" in entry["exception"]


def test_configure_logging_redacts_everything_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(json_lines=False, level=logging.DEBUG, secrets=[TOKEN, TOKEN.partition(":")[2]])
    logging.getLogger("httpx").info("GET https://api.telegram.org/bot%s/getMe", TOKEN)
    logging.getLogger("telegram.ext").debug("secret half alone: %s", TOKEN.partition(":")[2])
    err = capsys.readouterr().err
    assert "AAHsecret" not in err and err.count(REDACTED) == 2
    assert len(err.strip().splitlines()) == 2


def test_metrics_snapshot() -> None:
    metrics = Metrics()
    assert metrics.snapshot().search_p50_ms is None
    for ms in range(1, 101):
        metrics.question(ms / 1000, found=ms % 10 != 0)
    metrics.load()
    metrics.error()
    snapshot = metrics.snapshot()
    assert (snapshot.questions, snapshot.no_results, snapshot.loads, snapshot.errors) == (100, 10, 1, 1)
    assert snapshot.search_p50_ms == pytest.approx(51, abs=1) and snapshot.search_p99_ms == pytest.approx(99, abs=1)


def test_a_line_the_caller_also_gets_in_its_result_is_left_out_on_the_command_line_only(
    capsys: pytest.CaptureFixture[str],
) -> None:
    poller = logging.getLogger("retrieval.feeds.poller")
    configure_logging(json_lines=False, level=logging.WARNING, command_line=True)
    poller.warning("feed 1 failed (1 in a row): %s", "the server answered HTTP 404", extra=IN_RESULT)
    poller.warning("sitemap skipped: %s", "the server answered HTTP 500")
    assert capsys.readouterr().err.endswith("WARNING retrieval.feeds.poller: sitemap skipped: the server answered HTTP 500\n")
    configure_logging(json_lines=False, level=logging.WARNING)  # the running bot
    poller.warning("feed 1 failed (1 in a row): %s", "the server answered HTTP 404", extra=IN_RESULT)
    assert "WARNING retrieval.feeds.poller: feed 1 failed (1 in a row): the server answered HTTP 404" in capsys.readouterr().err


def test_routine_library_chatter_is_kept_for_debug(capsys: pytest.CaptureFixture[str]) -> None:
    scheduler = logging.getLogger("apscheduler.executors.default")
    configure_logging(json_lines=False, level=logging.INFO)
    scheduler.info('Running job "push to followers"')
    scheduler.warning('Run time of job "push to followers" was missed by 0:00:02')
    err = capsys.readouterr().err
    assert "Running job" not in err and "was missed by" in err
    configure_logging(json_lines=False, level=logging.DEBUG)
    scheduler.info('Running job "push to followers"')
    assert "Running job" in capsys.readouterr().err


def test_the_leading_gauge_and_the_role_follow_the_replica_at_once() -> None:
    metrics = Metrics()
    assert "newsbot_leading 0.0" in metrics.exposition().decode() and metrics.snapshot().leading is None
    leads = [False]
    metrics.follow_role(lambda: leads[0], "newsbot web-1:4242")
    assert "newsbot_leading 0.0" in metrics.exposition().decode()
    leads[0] = True  # the replica took the leader lock: no heartbeat needed to show it
    assert "newsbot_leading 1.0" in metrics.exposition().decode()
    snapshot = metrics.snapshot()
    assert (snapshot.leading, snapshot.replica) == (True, "newsbot web-1:4242")
    assert role_details(snapshot) == {"role": "leader", "replica": "newsbot web-1:4242"}
    leads[0] = False
    assert role_details(metrics.snapshot())["role"] == "follower"

