"""Browser-facing protections of the gateway: headers, which widget files are public,
which pages may open the chat websocket."""

import os
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from fastapi import Request, Response
from starlette.staticfiles import StaticFiles

# The widget needs nothing from elsewhere; the demo page and the console neither.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; connect-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    # A referrer would tell the next site that this person visited a support chat.
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
# Test-only and build-only folders inside web_widget/ that are never served.
PRIVATE_WIDGET_FOLDERS = frozenset({"tools", "node_modules"})


async def add_security_headers(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    response = await call_next(request)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


class WidgetFiles(StaticFiles):
    """web_widget/ without its test tooling."""

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        first = path.replace("\\", "/").lstrip("/").split("/", 1)[0]
        if first in PRIVATE_WIDGET_FOLDERS:
            return "", None
        return super().lookup_path(path)


def origin_allowed(origin: str | None, host: str | None, allowed: list[str]) -> bool:
    """A browser page may open the chat from this gateway's own origin or an allowed one;
    clients that send no Origin (not browsers) are not a cross-site risk."""
    if not origin:
        return True
    if origin in allowed or "*" in allowed:
        return True
    return urlsplit(origin).netloc == (host or "")
