from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from psp_dashboard import __version__
from psp_dashboard.api.deps import RuntimeDep
from psp_dashboard.api.validated import ValidatedRoute

router = APIRouter(tags=["health"], route_class=ValidatedRoute)

ServiceState = Literal["ok", "down"]


class HealthServices(BaseModel):
    database: ServiceState
    redis: ServiceState


class Health(BaseModel):
    status: Literal["healthy", "degraded"]
    version: str
    services: HealthServices


@router.get(
    "/health",
    response_model=Health,
    operation_id="health",
    summary="Liveness of the API and its database and cache",
    responses={503: {"model": Health, "description": "The database is unreachable"}},
)
async def health(runtime: RuntimeDep) -> JSONResponse:
    database: ServiceState = "ok"
    try:
        async with runtime.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except (SQLAlchemyError, DBAPIError, OSError):
        database = "down"
    redis: ServiceState = "ok" if await runtime.cache.ping() else "down"
    body = Health(
        status="healthy" if database == "ok" and redis == "ok" else "degraded",
        version=__version__,
        services=HealthServices(database=database, redis=redis),
    )
    # Without its database the API cannot serve anything: tell load balancers.
    return JSONResponse(body.model_dump(), status_code=200 if database == "ok" else 503)
