"""A value typed in the wrong field never comes back in a refusal."""

import pytest
from pydantic import ValidationError

from services.ingest.domain.refusals import invalid_body
from services.ingest.domain.submissions import InvoiceSubmission

IDENTIFIER = "185057800608436"  # a person's identifier typed where a SIRET or a month goes


@pytest.mark.parametrize("field", ["holder_siret", "period"])
def test_an_identifier_in_a_siret_or_period_field_is_refused_without_being_echoed(
    field: str,
) -> None:
    body = {"market_id": "M-1", "holder_siret": "35600000000048", "period": "2023-06"}
    body[field] = IDENTIFIER

    with pytest.raises(ValidationError) as refused:
        InvoiceSubmission.model_validate({**body, "amount_ht": "100.00"})
    answer = invalid_body(refused.value)

    assert [item.field for item in answer.errors] == [field]
    assert "attendu" in answer.errors[0].message
    assert IDENTIFIER not in answer.model_dump_json()
