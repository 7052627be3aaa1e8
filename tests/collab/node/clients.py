"""Run the Node Yjs clients of ``client.mjs`` on a JSON script and read their JSON answer.

Used by the interop tests (hub/collab/tests/test_interop.py) and the benchmark
(tests/bench/bench_collab.py). The clients need ``node`` and the npm packages of the
repository's package.json installed (``npm ci``, or ``make assets``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CLIENT = Path(__file__).with_name("client.mjs")
NEEDED_PACKAGES = ("yjs", "y-websocket", "ws", "@y/websocket-server")


class ClientError(RuntimeError):
    """The Node clients could not do what the script asked (not a measurement)."""


def missing_node() -> str | None:
    """Why the Node clients cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not installed"
    for package in NEEDED_PACKAGES:
        if not (ROOT / "node_modules" / package / "package.json").exists():
            return f"node_modules/{package} is missing (run `npm ci` or `make assets`)"
    return None


def run_clients(script: dict, timeout: float) -> dict:
    """Run the clients on ``script`` (see client.mjs for the modes); return their answer."""
    try:
        done = subprocess.run(
            ["node", str(CLIENT)],
            input=json.dumps(script),
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as error:
        raise ClientError(f"the Node clients took over {timeout:.0f} s") from error
    if done.returncode != 0:
        raise ClientError(f"the Node clients failed ({done.returncode}): {done.stderr[-2000:]}")
    result = json.loads(done.stdout)
    if "error" in result:
        raise ClientError(f"the Node clients failed: {result['error']}")
    return result
