"""What the running process holds: engine, sessions, geography, routing snapshot."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from services_directory.geo import Geography
from services_directory.models import DirectoryState
from services_directory.routing import RoutingIndex, build_index
from services_directory.settings import Settings


@dataclass
class Directory:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    geo: Geography
    index: RoutingIndex
    _checked_at: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def data_version(self, session: Session) -> int:
        return session.scalar(select(DirectoryState.version).where(DirectoryState.id == 1)) or 0

    def current_index(self) -> RoutingIndex:
        """The routing snapshot; re-read from SQL when another writer bumped the version."""
        now = time.monotonic()
        if now - self._checked_at < self.settings.cache_check_seconds:
            return self.index
        with self._lock:
            if now - self._checked_at >= self.settings.cache_check_seconds:
                self.refresh()
        return self.index

    def refresh(self, force: bool = False) -> None:
        with self.sessions() as session:
            version = self.data_version(session)
            if force or version != self.index.version:
                self.index = build_index(session, version)
        self._checked_at = time.monotonic()


def load_index(sessions: sessionmaker[Session]) -> RoutingIndex:
    with sessions() as session:
        version = session.scalar(select(DirectoryState.version).where(DirectoryState.id == 1)) or 0
        return build_index(session, version)
