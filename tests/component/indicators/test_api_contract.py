"""Whatever a client sends, the HTTP API answers as its OpenAPI document says (no 500)."""

from typing import Any

import schemathesis
from fastapi import FastAPI
from hypothesis import settings

from services.indicators.bootstrap import build_service
from services.indicators.entrypoints.http_api import make_api
from services.indicators.settings import IndicatorsSettings
from tests.bilan_2023 import count_changes

# the service's routes over its live view, without the lifespan that connects to Kafka
service = build_service(IndicatorsSettings(kafka_bootstrap_servers="localhost:9092"))
for change in count_changes(2023):
    service.live.state.apply_aggregate(change.key, change.aggregate)
app = FastAPI(title="Indicateurs SPASER")
app.include_router(make_api(service.live, service.registry))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@schema.parametrize()
@settings(max_examples=25, deadline=None)
def test_every_route_answers_as_documented(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate()
