"""HTTP routes of the gateway: health, conversation deletion, demo page and widget files."""

from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import FileResponse

from gateway.deps import Services
from gateway.health import collect_health

router = APIRouter()


@router.get("/healthz", tags=["health"])
async def read_health(services: Services, response: Response) -> dict[str, Any]:
    """Reachability of Redis, Rasa, the action server and the directory."""
    settings = services.settings
    health = await collect_health(
        services.http,
        services.redis,
        settings.rasa_url,
        settings.rasa_token,
        settings.actions_url,
        settings.directory_url,
    )
    if health["status"] != "ok":
        response.status_code = 503
    return health


@router.post("/api/v1/conversations/{conversation_id}/delete", status_code=204, tags=["chat"])
async def delete_conversation(conversation_id: str, services: Services) -> Response:
    """Forget a conversation at once (quick exit's sendBeacon; needs no body)."""
    await services.handoff.forget(conversation_id)
    await services.conversations.delete(conversation_id)
    return Response(status_code=204)


@router.get("/", include_in_schema=False)
async def read_demo_page(services: Services) -> FileResponse:
    """The demo page hosting the widget."""
    return FileResponse(services.settings.widget_dir / "demo.html")
