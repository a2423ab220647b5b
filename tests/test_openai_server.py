"""The test LLM server itself: its "paused" signal must be reliable, or the streaming tests flake."""

from __future__ import annotations

import http.client
import json
import threading
import time

from openai_server import Behaviour, OpenAIServer


def _read_first_line_then_check_paused(server: OpenAIServer, path: str, body: dict) -> bool:
    host, port = server.base_url.split("//")[1].split("/")[0].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        # read until the first content chunk has arrived, then look at the flag at once, as a fast client does
        while True:
            line = response.fp.readline()
            if b"first" in line:
                return server.paused.is_set()
            if not line:
                return False
    finally:
        conn.close()


def test_paused_is_already_set_when_a_fast_client_reads_the_first_chunk():
    # before the fix the flag was set only after the chunk was written: a client that looked at once
    # lost the race now and then (it failed CI once); 40 rounds per protocol make that loss near certain
    with OpenAIServer() as server:
        for path, body in (("/v1/chat/completions", {"model": "m", "stream": True, "messages": []}),
                           ("/api/chat", {"model": "m", "messages": []})):
            for _ in range(40):
                release = threading.Event()
                server.push(Behaviour(mode="pause_after_first", chunks=["first", "second"], release=release))
                try:
                    assert _read_first_line_then_check_paused(server, path, body), path
                finally:
                    release.set()
                # let that answer finish before the next round, so each round tests one fresh pause
                for _ in range(2000):
                    if not server.paused.is_set():
                        break
                    time.sleep(0.001)
