"""`make lab` and `make app` serve on the loopback interface only, behind a token.

Each server is started through the README's own command, read until it prints its address, checked
(address, token, listening sockets), and stopped.
"""

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parent.parent
ADDRESS = re.compile(r"http://([^/:\s]+):(\d+)/\S*token=(\w+)")


def serve_and_inspect(target, port):
    """Run ``make <target>`` until it prints its address; return (host, port, token, listening hosts)."""
    environment = dict(os.environ, PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        ["make", "--no-print-directory", target, f"LAB_PORT={port}", f"APP_PORT={port}"],
        cwd=ROOT, env=environment, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        for line in process.stdout:
            match = ADDRESS.search(line)
            if match or time.monotonic() > deadline:
                break
        assert match, f"make {target} printed no address with a token"
        host, port_printed, token = match.group(1), int(match.group(2)), match.group(3)
        server = psutil.Process(process.pid)
        listening = set()
        while not listening and time.monotonic() < deadline:  # the address may be printed before the bind
            time.sleep(0.2)
            listening = {
                connection.laddr.ip
                for child in [server, *server.children(recursive=True)]
                for connection in child.net_connections(kind="inet")
                if connection.status == psutil.CONN_LISTEN and connection.laddr.port == port_printed
            }
        return host, port_printed, token, listening
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


@pytest.mark.parametrize(("target", "port"), [("lab", 18888), ("app", 18866)])
def test_servers_listen_on_loopback_only_with_a_token(target, port):
    host, port_printed, token, listening = serve_and_inspect(target, port)
    assert host in ("127.0.0.1", "localhost")
    assert port_printed == port
    assert len(token) >= 32
    assert listening and listening <= {"127.0.0.1", "::1"}, f"make {target} listens on {listening}"
