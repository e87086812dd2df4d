"""GET /api/v1/openapi.json and the docs page: the machine-readable description, no token needed."""

import re

from openapi_spec_validator import validate

PUBLIC_OPERATIONS = {
    ("post", "/api/v1/auth/token"),
    ("post", "/api/v1/auth/password-reset"),
    ("get", "/api/v1/products/"),
    ("get", "/api/v1/products/{product_id}"),
}
SPEC_OPERATIONS = {
    ("post", "/api/v1/auth/token"),
    ("post", "/api/v1/auth/password-reset"),
    ("delete", "/api/v1/auth/token"),
    ("get", "/api/v1/products/"),
    ("get", "/api/v1/products/{product_id}"),
    ("get", "/api/v1/cart/"),
    ("post", "/api/v1/cart/items/"),
    ("patch", "/api/v1/cart/items/{product_id}"),
    ("delete", "/api/v1/cart/items/{product_id}"),
    ("get", "/api/v1/addresses/"),
    ("post", "/api/v1/addresses/"),
    ("get", "/api/v1/checkout/preview"),
    ("post", "/api/v1/orders/"),
    ("get", "/api/v1/orders/"),
    ("get", "/api/v1/orders/{number}"),
    ("post", "/api/v1/orders/{number}/cancel"),
}


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield method, path, operation


def test_the_document_is_served_without_a_token_and_is_valid_openapi(anonymous):
    response = anonymous.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    validate(response.get_json())


def test_the_document_describes_every_endpoint_of_the_spec(anonymous):
    document = anonymous.get("/api/v1/openapi.json").get_json()

    assert {(method, path) for method, path, _ in operations(document)} == SPEC_OPERATIONS


def test_bearer_tokens_are_documented_and_required_except_on_public_operations(anonymous):
    document = anonymous.get("/api/v1/openapi.json").get_json()

    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    assert document["security"] == [{"bearerAuth": []}]
    public = {(method, path) for method, path, op in operations(document) if op.get("security") == []}
    assert public == PUBLIC_OPERATIONS
    for method, path, operation in operations(document):
        if (method, path) not in PUBLIC_OPERATIONS:
            assert "401" in operation["responses"], (method, path)


def test_every_error_response_has_the_error_body(anonymous):
    document = anonymous.get("/api/v1/openapi.json").get_json()

    for method, path, operation in operations(document):
        errors = {status: r for status, r in operation["responses"].items() if int(status) >= 400}
        assert {"400", "413", "415", "500"} <= set(errors), (method, path)  # any body can be refused
        for status, response in errors.items():
            schema = response["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Error"}, (method, path, status)


def test_the_error_body_is_documented_as_the_spec_gives_it(anonymous):
    schemas = anonymous.get("/api/v1/openapi.json").get_json()["components"]["schemas"]

    assert schemas["Error"]["required"] == ["error"]
    assert sorted(schemas["ErrorDetail"]["required"]) == ["code", "details", "message"]


def test_money_is_documented_as_a_decimal_string(anonymous):
    product = anonymous.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["Product"]

    assert product["properties"]["price"]["type"] == "string"


def test_placing_an_order_documents_its_location_header_and_idempotency_key(anonymous):
    operation = anonymous.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/orders/"]["post"]

    assert "Location" in operation["responses"]["201"]["headers"]
    assert {"in": "header", "name": "Idempotency-Key"}.items() <= operation["parameters"][0].items()
    assert {"409", "422", "429"} <= set(operation["responses"])


def test_the_docs_page_loads_its_assets_from_this_site(anonymous):
    response = anonymous.get("/api/v1/docs")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "/api/v1/openapi.json" in page
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets and all(asset.startswith("/static/vendor/swagger-ui/") for asset in assets)
    for asset in assets:
        assert anonymous.get(asset).status_code == 200, asset
