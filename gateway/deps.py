"""FastAPI dependencies as Annotated aliases."""

from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from gateway.services import GatewayServices


def get_services(connection: HTTPConnection) -> GatewayServices:
    services: GatewayServices = connection.app.state.services
    return services


Services = Annotated[GatewayServices, Depends(get_services)]
