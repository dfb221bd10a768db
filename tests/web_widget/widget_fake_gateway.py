"""A scripted stand-in for the gateway's widget side (docs/protocol.md), for widget tests only.

It serves web_widget/ at /widget/, the demo page at /, an embedding page with test settings at
/page, a neutral exit page, the beacon delete endpoint, and a /ws/chat that answers by script.
The tests that prove issue 6 end to end also run against the real stack (tests/e2e/).
"""

from __future__ import annotations

import asyncio
import html
import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

REPO = Path(__file__).resolve().parents[2]
WIDGET_DIR = REPO / "web_widget"
AXE_DIR = WIDGET_DIR / "tools" / "node_modules" / "axe-core"

HTML_ATTACK = '<img src=x onerror="window.__hwPwned=1"><b>bold</b>'
ARABIC_REPLY = "إذا كنت في خطر الآن، اتصل بالرقم 112. فيلغ تهاوس: 0800-2000."
RTL_LANGUAGES = {"ar", "fa"}
# What a careful host page may send: the widget must work under it unchanged.
STRICT_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


@dataclass
class GatewayScript:
    """What the fake gateway saw, and switches that change how it behaves."""

    frames: list[dict[str, Any]] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    refuse_connections: bool = False
    sockets: set[WebSocket] = field(default_factory=set)
    loop: asyncio.AbstractEventLoop | None = None
    # Handoff stream entries (staff/status frames with an `id`) sent so far, in order.
    handoff_log: list[dict[str, Any]] = field(default_factory=list)
    # Message ids that were once left unacknowledged (the "noack" script).
    unacked: set[str] = field(default_factory=set)
    # As a slow network or busy gateway would: while "accept", a new socket stays opening;
    # while "ready", a `start` stays unanswered. Set back to None to let it through.
    hold: str | None = None

    def entry(self, frame: dict[str, Any]) -> dict[str, Any]:
        """Give a frame the next stream entry id and keep it in the handoff log."""
        frame = {**frame, "id": f"{1764331200000 + len(self.handoff_log)}-0"}
        self.handoff_log.append(frame)
        return frame

    def frames_of(self, kind: str) -> list[dict[str, Any]]:
        return [f for f in self.frames if f.get("type") == kind]

    def drop_all(self) -> None:
        """Close every open chat socket from the server side (as a crashing gateway would)."""
        assert self.loop is not None
        for ws in list(self.sockets):
            asyncio.run_coroutine_threadsafe(ws.close(code=1012), self.loop).result(5)


def _embed_page(request: Request) -> HTMLResponse:
    q = request.query_params
    language = html.escape(q.get("lang", "nl"))
    exit_url = html.escape(q.get("exit", "/neutral"))
    gateway = html.escape(q.get("gateway", ""))
    extra = html.escape(q.get("extra", ""))
    # Back-off bounds; a long first delay keeps the widget offline (`waiting`) for a test.
    retry_ms = html.escape(q.get("retry_ms", "500"))
    retry_max_ms = html.escape(q.get("retry_max_ms", "2000"))
    body = f"""<!doctype html>
<html lang="nl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Support organisation</title></head>
<body><main><h1>Support organisation</h1><p>Some text of the host page.</p>
<div data-hw-widget data-hw-gateway="{gateway}" data-hw-language="{language}"
     data-hw-exit-url="{exit_url}" data-hw-reconnect-initial-ms="{retry_ms}"
     data-hw-reconnect-max-ms="{retry_max_ms}" {extra}>
<a data-hw-quick-exit href="{exit_url}">Snel weg</a></div></main>
<script type="module" src="/widget/src/index.mjs"></script></body></html>"""
    headers = {"Content-Security-Policy": STRICT_CSP} if q.get("csp") else {}
    return HTMLResponse(body, headers=headers)


def _neutral_page(request: Request) -> HTMLResponse:
    return HTMLResponse(
        "<!doctype html><html lang='en'><head><title>Weather</title></head>"
        "<body><h1 id='neutral'>Weather forecast</h1></body></html>"
    )


async def _slow_neutral_page(request: Request) -> HTMLResponse:
    await asyncio.sleep(2)
    return _neutral_page(request)


def _before_page(request: Request) -> HTMLResponse:
    return HTMLResponse(
        "<!doctype html><html lang='en'><head><title>Before</title></head>"
        "<body><h1 id='before'>A page visited before the chat</h1></body></html>"
    )


def _reply_frames(text: str, language: str) -> list[dict[str, Any]]:
    direction = "rtl" if language in RTL_LANGUAGES else "ltr"
    if text == "html":
        return [{"type": "bot", "text": HTML_ATTACK, "language": language, "dir": direction}]
    if text == "arabic":
        return [{"type": "bot", "text": ARABIC_REPLY, "language": "ar", "dir": "rtl"}]
    if text == "buttons":
        return [
            {
                "type": "bot",
                "text": "Kies een onderwerp.",
                "language": language,
                "dir": direction,
                "buttons": [
                    {"title": "Hulp in de buurt", "payload": "/find_help_nearby"},
                    {"title": "Praat met een mens", "payload": "/talk_to_human"},
                ],
            }
        ]
    if text in {"staff", "/talk_to_human"}:
        return [
            {"type": "status", "code": "handoff_waiting", "position": 2, "wait_minutes": 5},
            {"type": "status", "code": "handoff_joined"},
            {
                "type": "staff",
                "text": "Hallo, ik ben een hulpverlener.",
                "language": "nl",
                "dir": "ltr",
            },
        ]
    reply = f"Ontvangen: {text}. Bel Veilig Thuis: 0800-2000. In gevaar: 112."
    return [{"type": "bot", "text": reply, "language": language, "dir": direction}]


def _handoff_frames(script: GatewayScript, text: str) -> list[dict[str, Any]] | None:
    """Scripted handoff replies (docs/protocol.md, handoff status codes); None if not one."""
    staff = {"type": "staff", "text": "Hallo, ik ben een hulpverlener.", "language": "nl"}
    if text == "staff-drop":
        return [
            script.entry({"type": "status", "code": "handoff_joined"}),
            script.entry({**staff, "dir": "ltr"}),
        ]
    if text == "transfer":
        return [
            script.entry({"type": "status", "code": "handoff_joined"}),
            script.entry({"type": "status", "code": "handoff_transferred"}),
        ]
    if text == "cancel":
        return [
            {"type": "status", "code": "handoff_waiting", "position": 1, "wait_minutes": 5},
            {"type": "status", "code": "handoff_cancelled"},
        ]
    if text == "unavailable":
        return [
            {
                "type": "bot",
                "text": "In gevaar: bel 112. Veilig Thuis: 0800-2000.",
                "language": "nl",
                "dir": "ltr",
            },
            {"type": "status", "code": "handoff_unavailable"},
        ]
    return None


async def _resume_handoff(ws: WebSocket, script: GatewayScript) -> None:
    """On a reconnect: the worst case after a crash, every entry once more, then a new one."""
    if not script.handoff_log:
        return
    for entry in list(script.handoff_log):
        await ws.send_json(entry)
    await ws.send_json(
        script.entry({"type": "staff", "text": "Ik ben er nog.", "language": "nl", "dir": "ltr"})
    )


async def _held(script: GatewayScript, stage: str, ws: WebSocket) -> bool:
    """Wait while the script holds this stage; False if the socket was closed meanwhile."""
    while script.hold == stage and ws.application_state != WebSocketState.DISCONNECTED:
        await asyncio.sleep(0.02)
    return ws.application_state != WebSocketState.DISCONNECTED


def build_app(script: GatewayScript) -> Starlette:
    async def chat(ws: WebSocket) -> None:
        script.loop = asyncio.get_running_loop()
        if script.refuse_connections:
            await ws.close(code=1013)
            return
        if not await _held(script, "accept", ws):
            return
        await ws.accept()
        script.sockets.add(ws)
        language = "nl"
        try:
            while True:
                frame = json.loads(await ws.receive_text())
                script.frames.append(frame)
                kind = frame.get("type")
                if kind == "start":
                    if not await _held(script, "ready", ws):
                        return
                    language = frame.get("language") or "nl"
                    conversation_id = frame.get("conversation_id") or uuid.uuid4().hex
                    direction = "rtl" if language in RTL_LANGUAGES else "ltr"
                    await ws.send_json(
                        {
                            "type": "ready",
                            "conversation_id": conversation_id,
                            "language": language,
                            "dir": direction,
                        }
                    )
                    if frame.get("conversation_id"):
                        await _resume_handoff(ws, script)
                elif kind == "message":
                    text = frame.get("text", "")
                    if text == "toolong":
                        await ws.send_json(
                            {
                                "type": "error",
                                "code": "message_too_long",
                                "message": "Bericht te lang (test).",
                            }
                        )
                        continue
                    message_id = str(frame.get("id"))
                    if text == "noack" and message_id not in script.unacked:
                        # Stored, but the gateway dies before the ack gets out.
                        script.unacked.add(message_id)
                        await ws.close(code=1012)
                        return
                    await ws.send_json({"type": "ack", "id": frame.get("id")})
                    if text == "drop":
                        await ws.close(code=1012)
                        return
                    handoff = _handoff_frames(script, text)
                    for reply in handoff if handoff is not None else _reply_frames(text, language):
                        await ws.send_json(reply)
                    if text == "staff-drop":
                        await ws.close(code=1012)
                        return
                elif kind == "end":
                    await ws.close()
                    return
        except WebSocketDisconnect:
            pass
        finally:
            script.sockets.discard(ws)

    async def delete(request: Request) -> Response:
        script.deleted.append(request.path_params["conversation_id"])
        return Response(status_code=204)

    routes = [
        Route("/", lambda r: FileResponse(WIDGET_DIR / "demo.html")),
        Route("/page", _embed_page),
        Route("/neutral", _neutral_page),
        Route("/slow-neutral", _slow_neutral_page),
        Route("/before", _before_page),
        Route("/api/v1/conversations/{conversation_id}/delete", delete, methods=["POST"]),
        WebSocketRoute("/ws/chat", chat),
        Mount("/widget", app=StaticFiles(directory=WIDGET_DIR)),
    ]
    if AXE_DIR.is_dir():
        routes.append(Mount("/vendor/axe-core", app=StaticFiles(directory=AXE_DIR)))
    return Starlette(routes=routes)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(script: GatewayScript) -> Iterator[str]:
    """Run the fake gateway in a thread on a free port; yields its base URL."""
    port = _free_port()
    config = uvicorn.Config(
        build_app(script), host="127.0.0.1", port=port, log_level="warning", ws="websockets-sansio"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("fake gateway did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
