"""A real local HTTP server speaking the OpenAI chat-completions protocol (and Ollama's /api/chat),
for the LLM coach tests.

It listens on 127.0.0.1 (port 0 = a free port), answers ``POST /v1/chat/completions`` with canned
server-sent events exactly as OpenAI-compatible providers do (HTTP/1.1, chunked transfer encoding,
``data: {...}`` lines, ``data: [DONE]``), and can be told to misbehave the ways real providers do:
answer 401/403/429/500, stall past the client's time-out, cut the stream mid-way, send malformed
JSON, send an empty answer, or pause after the first chunk until the test releases it.

The same behaviours apply to Ollama's native ``POST /api/chat`` (newline-delimited JSON, ``done`` /
``done_reason``), so the ``ollama`` provider is tested against a real socket too; its base URL is
``root_url`` (no ``/v1``).

Every request it receives is recorded (method, path, headers, JSON body) so tests can assert on the
prompt that was actually sent over the wire.

Usage::

    with OpenAIServer() as server:
        server.push(Behaviour(chunks=["你好", "，世界"]))
        ChatOpenAI(base_url=server.base_url, api_key="k", model="m").stream(...)
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODES = ("stream", "status", "stall", "cut", "truncated", "malformed", "empty", "pause_after_first")


@dataclass
class Behaviour:
    """How the server answers one request.

    mode:
      stream            send ``chunks`` as SSE deltas, then finish_reason "stop" and [DONE]
      status            answer HTTP ``status`` with an OpenAI-style error body
      stall             send nothing for ``stall_seconds`` (before any byte, or after ``chunks`` if
                        ``stall_after_chunks``), then carry on as "stream"
      cut               send ``chunks`` then close the connection without finishing the chunked body
      truncated         send ``chunks`` and end the HTTP body cleanly, but with no finish_reason and no [DONE]
      malformed         send ``chunks`` then a ``data:`` line that is not JSON
      empty             send a role chunk and finish_reason "stop" with no content at all
      pause_after_first send the first chunk, then wait until ``release`` is set, then the rest
    """

    mode: str = "stream"
    chunks: list[str] = field(default_factory=lambda: ["好的。"])
    status: int = 200
    error_message: str = ""
    stall_seconds: float = 0.0
    stall_after_chunks: bool = False
    release: threading.Event | None = None

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown mode {self.mode!r}")


@dataclass
class ReceivedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


class OpenAIServer:
    """Start with ``start()`` or a ``with`` block; ``base_url`` ends in ``/v1`` as clients expect."""

    def __init__(self, model: str = "test-model") -> None:
        self.model = model
        self.requests: list[ReceivedRequest] = []
        self.default = Behaviour()
        self._queue: deque[Behaviour] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        #: set while a "pause_after_first" answer is waiting for its release
        self.paused = threading.Event()
        self._pausing = 0  # answers now holding back; "paused" stays set while any is (handlers overlap)
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- control ------------------------------------------------------------------------------
    def push(self, *behaviours: Behaviour) -> None:
        """Queue behaviours for the next requests (then fall back to ``default``)."""
        with self._lock:
            self._queue.extend(behaviours)

    def _pause_begins(self) -> None:
        with self._lock:
            self._pausing += 1
            self.paused.set()

    def _pause_ends(self) -> None:
        with self._lock:
            self._pausing -= 1
            if not self._pausing:
                self.paused.clear()

    def _next_behaviour(self) -> Behaviour:
        with self._lock:
            return self._queue.popleft() if self._queue else self.default

    @property
    def base_url(self) -> str:
        assert self._httpd is not None, "server not started"
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    @property
    def root_url(self) -> str:
        """The address without /v1, as Ollama clients expect."""
        return self.base_url[: -len("/v1")]

    def start(self) -> "OpenAIServer":
        server = self

        class Handler(_Handler):
            owner = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="openai-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> "OpenAIServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- helpers for tests --------------------------------------------------------------------
    def last_messages(self) -> list[dict[str, Any]]:
        """The ``messages`` array of the last chat-completions request."""
        chats = [r for r in self.requests if r.path.endswith(("/chat/completions", "/api/chat"))]
        assert chats, "no chat-completions request was received"
        return chats[-1].body["messages"]


def _delta_event(model: str, delta: dict[str, Any], finish_reason: str | None = None) -> bytes:
    payload = {
        "id": "chatcmpl-test",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }
    return b"data: " + json.dumps(payload, ensure_ascii=False).encode("utf-8") + b"\n\n"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # chunked streaming, as real providers do
    owner: OpenAIServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep test output quiet
        return

    def handle(self) -> None:
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError, socket.timeout, OSError):
            pass  # the client hung up (time-out and cut-stream tests): not an error of the server

    # -- plumbing -----------------------------------------------------------------------------
    def _read_json(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw.decode("utf-8")) if raw else {}
        except ValueError:
            return {"_raw": raw.decode("utf-8", "replace")}

    def _send_json(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if status == 429:
            self.send_header("Retry-After", "0")
        self.end_headers()
        self.wfile.write(data)

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _end_chunks(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _wait(self, seconds: float) -> None:
        self.owner._stopping.wait(seconds)

    # -- endpoints ----------------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        self.owner.requests.append(ReceivedRequest("GET", self.path, dict(self.headers), {}))
        if self.path.rstrip("/").endswith("/models"):
            self._send_json(200, {"object": "list", "data": [{"id": self.owner.model, "object": "model"}]})
        else:
            self._send_json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})

    def do_POST(self) -> None:  # noqa: N802
        body = self._read_json()
        self.owner.requests.append(ReceivedRequest("POST", self.path, dict(self.headers), body))
        ollama = self.path.rstrip("/").endswith("/api/chat")
        if not ollama and not self.path.rstrip("/").endswith("/chat/completions"):
            self._send_json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
            return
        behaviour = self.owner._next_behaviour()
        try:
            if ollama:
                self._answer_ollama(behaviour, body)
            else:
                self._answer(behaviour, body)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            self.close_connection = True  # the client gave up (time-out test): nothing left to say

    def _answer(self, b: Behaviour, body: dict[str, Any]) -> None:
        model = body.get("model") or self.owner.model
        if b.mode == "status":
            kinds = {401: "invalid_api_key", 403: "permission_denied", 429: "rate_limit_exceeded"}
            message = b.error_message or f"error {b.status}"
            self._send_json(b.status, {"error": {"message": message, "type": kinds.get(b.status, "server_error"),
                                                 "code": kinds.get(b.status)}})
            return
        if b.mode == "stall" and not b.stall_after_chunks:
            self._wait(b.stall_seconds)
        if not body.get("stream"):
            # non-streaming clients get the whole answer at once
            text = "" if b.mode == "empty" else "".join(b.chunks)
            self._send_json(200, {
                "id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()), "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            })
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self._chunk(_delta_event(model, {"role": "assistant", "content": ""}))
        if b.mode == "empty":
            self._chunk(_delta_event(model, {}, finish_reason="stop"))
            self._chunk(b"data: [DONE]\n\n")
            self._end_chunks()
            return
        for i, piece in enumerate(b.chunks):
            self._send_then_maybe_pause(b, i, _delta_event(model, {"content": piece}))
        if b.mode == "cut":
            # close mid-body: no terminating zero-length chunk, no finish_reason, no [DONE]
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        if b.mode == "truncated":
            self._end_chunks()
            return
        if b.mode == "malformed":
            self._chunk(b'data: {"id": "chatcmpl-test", "choices": [{"delta": {"content": "\xe6\x96\x87\n\n')
            self._chunk(b"data: [DONE]\n\n")
            self._end_chunks()
            return
        if b.mode == "stall" and b.stall_after_chunks:
            self._wait(b.stall_seconds)
        self._chunk(_delta_event(model, {}, finish_reason="stop"))
        self._chunk(b"data: [DONE]\n\n")
        self._end_chunks()

    def _send_then_maybe_pause(self, b: Behaviour, index: int, data: bytes) -> None:
        """Write one chunk; after the first one of a "pause_after_first" answer, hold until released.

        ``paused`` is set *before* the chunk goes out: a fast client that has read the chunk must
        already see the server paused (setting it after the write was a race that failed CI).
        """
        pausing = index == 0 and b.mode == "pause_after_first"
        if pausing:
            self.owner._pause_begins()
        try:
            self._chunk(data)
            if pausing:
                (b.release or threading.Event()).wait(30)
        finally:
            if pausing:
                self.owner._pause_ends()

    def _answer_ollama(self, b: Behaviour, body: dict[str, Any]) -> None:
        """Ollama's /api/chat: one JSON object per line, the last with done=true and done_reason."""
        model = body.get("model") or self.owner.model

        def line(content: str, done: bool = False) -> bytes:
            part: dict[str, Any] = {"model": model, "created_at": "2026-11-22T00:00:00Z",
                                    "message": {"role": "assistant", "content": content}, "done": done}
            if done:
                part.update(done_reason="stop", total_duration=1, eval_count=1, prompt_eval_count=1)
            return json.dumps(part, ensure_ascii=False).encode("utf-8") + b"\n"

        if b.mode == "status":
            self._send_json(b.status, {"error": b.error_message or f"error {b.status}"})
            return
        if b.mode == "stall" and not b.stall_after_chunks:
            self._wait(b.stall_seconds)
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunks = [] if b.mode == "empty" else b.chunks
        for i, piece in enumerate(chunks):
            self._send_then_maybe_pause(b, i, line(piece))
        if b.mode == "cut":
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        if b.mode == "truncated":
            self._end_chunks()
            return
        if b.mode == "malformed":
            self._chunk(b'{"model": "m", "message": {"content": "\xe6\x96\x87\n')
            self._end_chunks()
            return
        if b.mode == "stall" and b.stall_after_chunks:
            self._wait(b.stall_seconds)
        self._chunk(line("", done=True))
        self._end_chunks()
