"""Alembic environment: the engine is handed in by services_directory.db.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from services_directory.models import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # replicas starting together must not migrate at the same time
            context.execute("SELECT pg_advisory_xact_lock(724200101)")
        context.run_migrations()


engine = context.config.attributes["engine"]
with engine.connect() as conn:
    _run(conn)
