"""Builds the gateway app; `uvicorn --factory gateway.main:create_app`."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from gateway import chat, routes, staff
from gateway.conversations import ConversationStore
from gateway.db import make_engine, make_session_factory
from gateway.embedding import load_embedder
from gateway.handoff.account_store import StaffAccountStore, create_tables
from gateway.handoff.accounts import StaffAccounts
from gateway.handoff.release import run_release_checks
from gateway.handoff.service import HandoffService
from gateway.language import LanguageChooser, build_detector
from gateway.redis_client import connect_redis
from gateway.relay import RasaRelay
from gateway.safety_net import SafetyNet
from gateway.security import WidgetFiles, add_security_headers
from gateway.services import GatewayServices
from gateway.settings import GatewaySettings
from gateway.tasks import cancel_and_wait


def build_safety_net(settings: GatewaySettings) -> SafetyNet:
    return SafetyNet(
        load_embedder(
            settings.embedding_model, settings.embedding_backend, settings.embedding_threads
        ),
        threshold=settings.safety_similarity_threshold,
        margin=settings.safety_similarity_margin,
    )


def build_staff_accounts(
    settings: GatewaySettings, store: StaffAccountStore, handoff: HandoffService
) -> StaffAccounts:
    return StaffAccounts(
        store,
        handoff.redis,
        session_seconds=settings.staff_session_seconds,
        max_failed_logins=settings.staff_max_failed_logins,
        lockout_seconds=settings.staff_lockout_seconds,
    )


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or GatewaySettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        redis = connect_redis(settings.redis_url)
        safety_net = await asyncio.to_thread(build_safety_net, settings)
        staff_engine = make_engine(settings.staff_database_url)
        await asyncio.to_thread(create_tables, staff_engine)
        staff_store = await asyncio.to_thread(StaffAccountStore, make_session_factory(staff_engine))
        async with httpx.AsyncClient(timeout=settings.rasa_timeout_seconds) as http:
            handoff = HandoffService.from_settings(settings, http)
            conversations = ConversationStore(redis, settings.conversation_ttl_seconds)
            staff_accounts = build_staff_accounts(settings, staff_store, handoff)
            app.state.services = GatewayServices(
                settings=settings,
                redis=redis,
                http=http,
                conversations=conversations,
                relay=RasaRelay(http, redis, conversations, settings),
                languages=LanguageChooser(build_detector()),
                handoff=handoff,
                staff_accounts=staff_accounts,
                safety_net=safety_net,
            )
            # Conversations of deactivated or expired counsellors back to the queue.
            release_checks = asyncio.create_task(run_release_checks(handoff, staff_accounts))
            try:
                yield
            finally:
                await cancel_and_wait([release_checks])
                await asyncio.to_thread(staff_accounts.close)
                await handoff.aclose()
                await redis.aclose()
                staff_engine.dispose()

    app = FastAPI(title="Hulpwijzer gateway", version="0.1.0", lifespan=lifespan)
    app.include_router(routes.router)
    app.include_router(chat.router)
    app.include_router(staff.router)
    app.middleware("http")(add_security_headers)
    app.mount("/widget", WidgetFiles(directory=settings.widget_dir, check_dir=False), name="widget")
    return app
