"""``GET /metrics`` on a small local port, for a bot that polls Telegram (the webhook server serves its own).

Off unless NEWSBOT_METRICS_PORT is set; it listens on 127.0.0.1 unless
NEWSBOT_METRICS_LISTEN says otherwise, since the figures are for the
operator's Prometheus, not for the world.
"""

from __future__ import annotations

import logging

from aiohttp import web

from bot.monitoring.metrics import CONTENT_TYPE, Metrics

log = logging.getLogger(__name__)


def metrics_response(metrics: Metrics) -> web.Response:
    """The Prometheus text format of ``metrics``, as an HTTP answer."""
    response = web.Response(body=metrics.exposition())
    response.headers["Content-Type"] = CONTENT_TYPE
    return response


class MetricsServer:
    def __init__(self, metrics: Metrics, listen: str, port: int) -> None:
        self.metrics = metrics
        self.listen = listen
        self.port = port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/metrics", self._serve)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.listen, self.port).start()
        log.info("metrics at http://%s:%d/metrics", self.listen, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _serve(self, request: web.Request) -> web.Response:
        return metrics_response(self.metrics)
