"""Staff sign-in, the staff console page and its websocket (docs/handoff.md)."""

from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Cookie, HTTPException, Query, Response, WebSocket
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from gateway.deps import Services
from gateway.handoff.accounts import LoginRefused
from gateway.handoff.staff_session import StaffSession

router = APIRouter(tags=["staff"])
COOKIE = "hw_staff_session"
LOGIN_MESSAGES = {
    "invalid_credentials": "Gebruikersnaam of wachtwoord klopt niet.",
    "locked": "Te veel mislukte pogingen. Probeer het later opnieuw.",
    "expired": "Dit account is verlopen. Vraag een beheerder om verlenging.",
}
SessionCookie = Annotated[str | None, Cookie(alias=COOKIE)]


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=40)
    password: str = Field(min_length=1, max_length=200)


@router.get("/staff", include_in_schema=False)
async def read_console(services: Services) -> FileResponse:
    """The staff console page."""
    return FileResponse(
        services.settings.widget_dir / "staff" / "index.html",
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


@router.post("/api/v1/staff/login", status_code=204)
async def create_staff_session(
    body: LoginRequest, services: Services, response: Response
) -> Response:
    """Sign in; sets an HttpOnly, SameSite=Strict session cookie."""
    try:
        token = await services.staff_accounts.log_in(body.username.lower(), body.password)
    except LoginRefused as refused:
        raise HTTPException(
            status_code=401,
            detail={"code": refused.code, "message": LOGIN_MESSAGES[refused.code]},
        ) from None
    response.status_code = 204
    response.set_cookie(
        COOKIE,
        token,
        max_age=services.settings.staff_session_seconds,
        httponly=True,
        samesite="strict",
        secure=services.settings.environment == "production",
        path="/",
    )
    return response


@router.post("/api/v1/staff/logout", status_code=204)
async def delete_staff_session(
    services: Services, response: Response, session: SessionCookie = None
) -> Response:
    """Sign out: the session is deleted in Redis and the cookie cleared."""
    if session:
        await services.staff_accounts.log_out(session)
    response.status_code = 204
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/api/v1/staff/me")
async def read_staff_me(services: Services, session: SessionCookie = None) -> dict[str, str]:
    """Who is signed in (401 when nobody)."""
    username = await services.staff_accounts.session_user(session)
    if username is None:
        raise HTTPException(status_code=401, detail={"code": "not_signed_in"})
    return {"username": username}


@router.get("/api/v1/staff/stats")
async def read_handoff_stats(
    services: Services,
    session: SessionCookie = None,
    days: Annotated[int, Query(ge=1, le=90)] = 7,
) -> dict[str, Any]:
    """Aggregated handoff counts per day (no ids, no texts)."""
    if await services.staff_accounts.session_user(session) is None:
        raise HTTPException(status_code=401, detail={"code": "not_signed_in"})
    return {"days": await services.handoff.stats.days(days)}


def same_origin(websocket: WebSocket) -> bool:
    """Browsers send Origin on websockets: refuse other sites (cross-site hijacking)."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return True  # not a browser; the session cookie still has to be valid
    return urlsplit(origin).netloc == websocket.headers.get("host")


@router.websocket("/ws/staff")
async def staff_console(
    websocket: WebSocket, services: Services, session: SessionCookie = None
) -> None:
    """The staff console's live connection."""
    username = await services.staff_accounts.session_user(session)
    if username is None or not same_origin(websocket):
        await websocket.close(code=1008)
        return
    await websocket.accept()
    await StaffSession(websocket, services.handoff, username, services.staff_accounts).run()
