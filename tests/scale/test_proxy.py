"""The nginx configuration of docs/deploy.md, as printed there, in front of two workers:
static files from the collected folder, pages and search through the proxy, and
co-editing websockets upgraded through it to both workers, converging.

Run on plain HTTP: the test swaps the certificate lines and listening ports for its own,
the upstream servers for the two workers' ports and the static folder for its own."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.collab.node.clients import missing_node
from tests.scale.conftest import (
    ROOT,
    free_port,
    needs_postgres,
    needs_redis,
    run_yjs_clients,
    session_headers,
)

NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
pytestmark = [
    needs_postgres,
    needs_redis,
    pytest.mark.skipif(NGINX is None, reason="nginx is not installed (.ci/run installs it)"),
    pytest.mark.skipif(missing_node() is not None, reason=str(missing_node())),
]


def documented_config() -> str:
    """The first ```nginx block of docs/deploy.md."""
    text = (ROOT / "docs" / "deploy.md").read_text()
    return re.search(r"```nginx\n(.*?)```", text, re.S).group(1)


def local_config(workers: list[str], port: int, static: Path) -> str:
    config = documented_config()
    upstreams = "\n".join(f"    server {url.removeprefix('http://')};" for url in workers)
    config, replaced = re.subn(r"(?m)^(\s*server 127\.0\.0\.1:\d+;\n)+", upstreams + "\n", config)
    assert replaced == 1, "the upstream block of docs/deploy.md changed"
    config = re.sub(r"(?m)^\s*ssl_certificate.*\n", "", config)
    config = config.replace("listen 443 ssl;", f"listen 127.0.0.1:{port};")
    config = config.replace("listen 80;", f"listen 127.0.0.1:{free_port()};")
    return config.replace("/srv/hub/var/static/", f"{static}/")


@pytest.fixture
def proxy(workers, tmp_path):
    """nginx with the documented configuration on a free port; yields its base URL."""
    static = tmp_path / "static"
    (static / "hub").mkdir(parents=True)
    (static / "hub" / "probe.txt").write_text("静态文件")
    port = free_port()
    # nginx's worker runs as root only when the test does (its folders are private).
    user = "user root;" if os.geteuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(
        f"""{user}
daemon off;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/nginx-error.log;
events {{}}
http {{
    access_log off;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    {local_config(workers, port, static)}
}}
"""
    )
    process = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                pytest.fail(f"nginx did not start: {process.stderr.read().decode()}")
            try:
                urllib.request.urlopen(f"{url}/static/hub/probe.txt", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_documented_nginx_config_serves_static_pages_and_websockets(
    proxy, spaces, org, make_document, login
):
    with urllib.request.urlopen(f"{proxy}/static/hub/probe.txt", timeout=10) as response:
        assert response.read().decode() == "静态文件"
    document = make_document(spaces.rd, org.rd_member, title="代理测试", body="经由代理协作")
    member = login(org.rd_member)
    request = urllib.request.Request(
        f"{proxy}/search/api/?q=%E7%90%86%E5%8D%8F",  # 理协: a sub-word of 代理协作
        headers={"Cookie": f"sessionid={member.cookies['sessionid'].value}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert [hit["title"] for hit in json.loads(response.read())["results"]] == ["代理测试"]

    # Websockets through the proxy: nginx hands the two clients to its two upstreams.
    headers = session_headers(proxy, member)
    url = proxy.replace("http://", "ws://") + "/ws/docs"
    clients = [
        {"url": url, "headers": headers, "edits": [f"{who}{n}" for n in range(10)]}
        for who in ("甲", "乙")
    ]
    result = run_yjs_clients({"room": str(document.pk), "clients": clients})

    assert result["converged"], result
    assert result["clients"][0]["text"].startswith("经由代理协作")
