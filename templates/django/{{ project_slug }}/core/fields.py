"""Serializer fields as strict as the other starters' schemas."""

from typing import Any

from django.core.validators import RegexValidator
from rest_framework import serializers

# PostgreSQL cannot store NUL in text. DRF refuses it already; this also says so in the schema,
# as the other starters' schemas do, so clients (and fuzzers) know before they send one.
NO_NUL = RegexValidator(r"^[^\u0000]*$", "NUL characters are not allowed.")


class Text(serializers.CharField):
    """DRF's CharField for input, taking only JSON strings (DRF's own turns 0 into "0", and the
    schema says a string) and documenting that it refuses NUL."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(NO_NUL)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)
