"""Builds the directory's FastAPI app; all work happens in the lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI

from services_directory import api, pages
from services_directory.admin import router as admin_router
from services_directory.db import make_engine, make_session_factory, migrate
from services_directory.errors import BodyLimit, install_error_handlers
from services_directory.geo import load_geography
from services_directory.seeding import is_empty, seed_database
from services_directory.settings import Settings
from services_directory.state import Directory, load_index

log = logging.getLogger("services_directory")


def startup(settings: Settings) -> Directory:
    """Migrate, seed an empty database, load postcodes and the routing snapshot."""
    engine = make_engine(settings.database_url)
    if settings.auto_migrate:
        migrate(engine)
    sessions = make_session_factory(engine)
    geo = load_geography(settings.data_dir)
    if settings.auto_seed:
        with sessions.begin() as session:
            if is_empty(session):
                count = seed_database(session, settings.seed_file, settings.data_dir, geo)
                log.info("seeded %d services", count)
    return Directory(settings, engine, sessions, geo, load_index(sessions))


async def _watch_for_changes(directory: Directory) -> None:
    # Another replica (or the CLI) may change the data: re-snapshot when the version moves.
    while True:
        await asyncio.sleep(directory.settings.cache_check_seconds)
        try:
            await asyncio.to_thread(directory.refresh)
        except Exception:  # noqa: BLE001 - keep serving the last good snapshot
            log.warning("directory refresh failed; serving the previous snapshot")


def create_app(settings: Settings | None = None) -> FastAPI:
    """App factory (uvicorn --factory services_directory.main:create_app)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        resolved = settings or Settings()
        directory = await asyncio.to_thread(startup, resolved)
        app.state.directory = directory
        watcher = asyncio.create_task(_watch_for_changes(directory))
        try:
            yield
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
            directory.engine.dispose()

    app = FastAPI(
        title="Hulpwijzer services directory",
        version="1.0.0",
        description=(
            "Help services for domestic and sexual violence in the Netherlands, routed by "
            "postcode. Postcode data: GeoNames (CC BY 4.0), CBS (CC BY 4.0)."
        ),
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=(settings or Settings()).max_body_bytes)
    app.include_router(api.router)
    app.include_router(admin_router.router)
    app.include_router(pages.router)
    return app
