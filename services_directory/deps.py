"""FastAPI dependencies as Annotated aliases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from services_directory.state import Directory


async def get_directory(request: Request) -> Directory:
    # async on purpose: a sync dependency would cost a thread-pool hop per request
    directory: Directory = request.app.state.directory
    return directory


def get_session(directory: Annotated[Directory, Depends(get_directory)]) -> Iterator[Session]:
    with directory.sessions() as session:
        yield session


DirectoryDep = Annotated[Directory, Depends(get_directory)]
SessionDep = Annotated[Session, Depends(get_session)]
