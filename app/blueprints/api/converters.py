"""URL converters for the API's path parameters, documented in the OpenAPI document too.

Both turn a value that can name nothing into a plain 404 without asking the
database something it would choke on (an id past its integer range, a NUL).
"""

from werkzeug.routing import BaseConverter

from app.models import MAX_ID

ORDER_NUMBER_PATTERN = r"[A-Za-z0-9-]{1,16}"


class IdConverter(BaseConverter):
    """A positive database id. Out-of-range numbers become 0, which names no row.

    (Werkzeug's `int(min=..., max=...)` would answer some of them with a 405.)
    """

    regex = r"\d{1,20}"

    def to_python(self, value: str) -> int:
        number = int(value)
        return number if 1 <= number <= MAX_ID else 0

    def to_url(self, value) -> str:
        return str(int(value))


class OrderNumberConverter(BaseConverter):
    """An order number such as SO-7KQ2M9XD."""

    regex = ORDER_NUMBER_PATTERN


def register_converters(app, api) -> None:
    app.url_map.converters["id"] = IdConverter
    app.url_map.converters["order_number"] = OrderNumberConverter
    api.register_converter(
        IdConverter, lambda converter: {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    )
    api.register_converter(
        OrderNumberConverter, lambda converter: {"type": "string", "pattern": f"^{ORDER_NUMBER_PATTERN}$"}
    )
