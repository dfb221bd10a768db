"""Reachability of every process the gateway depends on."""

import asyncio
from typing import Any

import httpx
from redis.asyncio import Redis


async def check_http(http: httpx.AsyncClient, url: str) -> str:
    try:
        response = await http.get(url, timeout=2.0)
    except httpx.HTTPError as error:
        return f"unreachable ({type(error).__name__})"
    return "ok" if response.status_code == 200 else f"status {response.status_code}"


async def check_redis(redis: Redis) -> str:
    try:
        await redis.ping()
    except Exception as error:  # any failure means "not usable"; report its kind only
        return f"unreachable ({type(error).__name__})"
    return "ok"


async def collect_health(
    http: httpx.AsyncClient,
    redis: Redis,
    rasa_url: str,
    rasa_token: str,
    actions_url: str,
    directory_url: str,
) -> dict[str, Any]:
    redis_state, rasa_state, actions_state, directory_state = await asyncio.gather(
        check_redis(redis),
        # /status needs the token, so this also proves the token is right.
        check_http(http, f"{rasa_url.rstrip('/')}/status?token={rasa_token}"),
        check_http(http, f"{actions_url.rstrip('/')}/health"),
        check_http(http, f"{directory_url.rstrip('/')}/healthz"),
    )
    checks = {
        "redis": redis_state,
        "rasa": rasa_state,
        "actions": actions_state,
        "directory": directory_state,
    }
    status = "ok" if all(value == "ok" for value in checks.values()) else "degraded"
    return {"status": status, "checks": checks}
