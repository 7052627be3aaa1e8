"""Live co-editing: the hub's y-websocket server against the reference Node server.

One run drives both with the same Yjs client load (``tests/collab/node/client.mjs``: npm
``yjs`` + ``y-websocket`` clients in one Node process, which also measures, so sender and
receiver share a clock):

- the hub: ``hub serve`` in a subprocess, with a fresh ``HUB_DATA_DIR`` (migrated; one
  admin, one company-wide space, a document per room), the clients sending the admin's
  session cookie and a matching Origin;
- the reference: npm ``@y/websocket-server`` 0.1.1 (in-memory, no auth), run with node
  from ``node_modules``.

Measured: propagation latency A→B over ``HUB_BENCH_COLLAB_EDITS`` serial one-character
edits (default 1,000; A waits for B to see each one before the next), and 10 rooms × 5
clients appending markers at stepped total rates (100, 500, 1,000 updates/s, for
``HUB_BENCH_COLLAB_SECONDS`` each, default 3): delivery % (each update should reach the
other 4 clients of its room within ``HUB_BENCH_COLLAB_DRAIN_SECONDS`` after the step,
default 10) and delivery latency p50/p99. Printed: a table and the
ratios hub/reference. Skips with a message when Node or ``node_modules`` is missing
(``npm ci``).
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.collab.node.clients import ROOT, missing_node, run_clients

REFERENCE_SERVER = ROOT / "node_modules" / "@y" / "websocket-server" / "src" / "server.js"
HUB = Path(sys.executable).with_name("hub")

EDITS = int(os.environ.get("HUB_BENCH_COLLAB_EDITS", "1000"))
SECONDS = float(os.environ.get("HUB_BENCH_COLLAB_SECONDS", "3"))
# After each rate step, how long deliveries may still arrive: late ones count, with their
# latency; what has not arrived by then counts as lost.
DRAIN_SECONDS = float(os.environ.get("HUB_BENCH_COLLAB_DRAIN_SECONDS", "10"))
ROOMS = 10
CLIENTS_PER_ROOM = 5
RATES = (100, 500, 1000)

# Run inside `hub shell`: an admin, a space everyone may edit, one document per room and a
# logged-in session; prints them as JSON.
SETUP_SCRIPT = """
import json
from django.test import Client
from hub.core.documents import create_document
from hub.core.models import HomePage, SpacePage, User

admin = User.objects.create_superuser("bench", "bench@example.cn", None, name="基准")
space = SpacePage(title="协作基准", slug="collab-bench",
                  visibility=SpacePage.Visibility.COMPANY_EDIT)
HomePage.objects.get().add_child(instance=space)
documents = [create_document(space, admin, f"房间 {{n}}", "", "published", ()).pk
             for n in range({rooms})]
client = Client()
client.force_login(admin)
print(json.dumps({{"documents": documents, "session": client.cookies["sessionid"].value}}))
"""


@dataclass
class Target:
    """A server under test: where the clients connect, what they send, which rooms."""

    name: str
    url: str
    headers: dict[str, str]
    rooms: list[str]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on port {port} within {timeout:.0f} s")


@contextmanager
def _serving(command: list[str], env: dict[str, str], port: int, what: str) -> Iterator[None]:
    """Run a server until the block ends; show the end of its log if it failed."""
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=log)
        try:
            _wait_for_port(port, process, what)
            yield
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.returncode not in (0, -15):
                log.seek(0)
                print(log.read().decode(errors="replace")[-2000:], file=sys.stderr)


@contextmanager
def hub_target(data_dir: Path) -> Iterator[Target]:
    """A migrated hub with one document per room, served by ``hub serve``."""
    env = {**os.environ, "HUB_DATA_DIR": str(data_dir)}
    subprocess.run([HUB, "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)
    made = subprocess.run(
        [HUB, "shell", "-c", SETUP_SCRIPT.format(rooms=ROOMS)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    setup = json.loads(made.stdout.strip().splitlines()[-1])
    port = _free_port()
    command = [HUB, "serve", "--host", "127.0.0.1", "--port", str(port)]
    with _serving(command, env, port, "hub serve"):
        yield Target(
            "hub",
            f"ws://127.0.0.1:{port}/ws/docs",
            {"Cookie": f"sessionid={setup['session']}", "Origin": f"http://127.0.0.1:{port}"},
            [str(pk) for pk in setup["documents"]],
        )


@contextmanager
def reference_target() -> Iterator[Target]:
    """The npm reference server on a free port."""
    port = _free_port()
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port)}
    with _serving(["node", str(REFERENCE_SERVER)], env, port, "@y/websocket-server"):
        yield Target("reference", f"ws://127.0.0.1:{port}", {}, [f"room-{n}" for n in range(ROOMS)])


def percentiles(values: list[float]) -> tuple[float, float]:
    """(p50, p99) of ``values``; NaN for none."""
    if len(values) < 2:
        return (values[0], values[0]) if values else (float("nan"), float("nan"))
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return statistics.median(values), cuts[98]


def measure(target: Target) -> dict[str, tuple[float, float, float]]:
    """Row name -> (delivery %, p50 ms, p99 ms) for one server."""
    common = {"url": target.url, "headers": target.headers}
    rows = {}
    latency = run_clients(
        {**common, "mode": "latency", "room": target.rooms[0], "edits": EDITS},
        timeout=120 + EDITS * 0.1,
    )
    rows[f"A→B, {EDITS} serial edits"] = (100.0, *percentiles(latency["latenciesMs"]))
    load = run_clients(
        {
            **common,
            "mode": "load",
            "rooms": target.rooms,
            "clientsPerRoom": CLIENTS_PER_ROOM,
            "rates": list(RATES),
            "seconds": SECONDS,
            "drainMs": DRAIN_SECONDS * 1000,
        },
        timeout=120 + len(RATES) * (SECONDS + DRAIN_SECONDS + 5),
    )
    for step in load["steps"]:
        delivered = 100.0 * step["delivered"] / step["expected"]
        name = f"{ROOMS}×{CLIENTS_PER_ROOM} at {step['rate']}/s"
        rows[name] = (delivered, *percentiles(step["latenciesMs"]))
    return rows


def print_table(results: dict[str, dict[str, tuple[float, float, float]]]) -> None:
    hub, reference = results["hub"], results["reference"]
    print(
        f"{'load':<28} {'hub %':>7} {'p50 ms':>8} {'p99 ms':>8}"
        f" {'ref %':>7} {'p50 ms':>8} {'p99 ms':>8} {'p50 ×':>6} {'p99 ×':>6}"
    )
    for name, (ours_pct, ours_p50, ours_p99) in hub.items():
        ref_pct, ref_p50, ref_p99 = reference[name]
        print(
            f"{name:<28} {ours_pct:>7.2f} {ours_p50:>8.2f} {ours_p99:>8.2f}"
            f" {ref_pct:>7.2f} {ref_p50:>8.2f} {ref_p99:>8.2f}"
            f" {ours_p50 / ref_p50:>6.2f} {ours_p99 / ref_p99:>6.2f}"
        )


def run() -> None:
    reason = missing_node()
    if reason:
        print(f"bench_collab skipped: {reason}")
        return
    results = {}
    with tempfile.TemporaryDirectory(prefix="hub-bench-collab-") as data_dir:
        with reference_target() as target:
            results["reference"] = measure(target)
        with hub_target(Path(data_dir)) as target:
            results["hub"] = measure(target)
    print_table(results)


if __name__ == "__main__":
    run()
