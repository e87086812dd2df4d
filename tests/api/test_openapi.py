"""GET /api/v1/openapi.json and the docs page: the machine-readable description, no token needed."""

import re

from openapi_spec_validator import validate

PUBLIC_OPERATIONS = {
    ("post", "/auth/token"),
    ("post", "/auth/password-reset"),
    ("get", "/products/"),
    ("get", "/products/{product_id}"),
    ("get", "/categories/"),
}
DOCUMENTED_OPERATIONS = {
    ("post", "/auth/token"),
    ("post", "/auth/password-reset"),
    ("delete", "/auth/token"),
    ("get", "/products/"),
    ("get", "/products/{product_id}"),
    ("get", "/categories/"),
    ("get", "/cart/"),
    ("post", "/cart/items/"),
    ("patch", "/cart/items/{product_id}"),
    ("delete", "/cart/items/{product_id}"),
    ("get", "/addresses/"),
    ("post", "/addresses/"),
    ("get", "/checkout/preview"),
    ("post", "/orders/"),
    ("get", "/orders/"),
    ("get", "/orders/{number}"),
    ("post", "/orders/{number}/cancel"),
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

    assert {(method, path) for method, path, _ in operations(document)} == DOCUMENTED_OPERATIONS


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
    operation = anonymous.get("/api/v1/openapi.json").get_json()["paths"]["/orders/"]["post"]

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


def document_of(anonymous) -> dict:
    return anonymous.get("/api/v1/openapi.json").get_json()


def codes_of(operation) -> set[str]:
    """The error codes an operation documents, from its examples."""
    return {
        example["value"]["error"]["code"]
        for status, response in operation["responses"].items()
        if int(status) >= 400
        for example in response["content"]["application/json"]["examples"].values()
    }


def test_paths_are_relative_to_the_servers_api_base(anonymous):
    document = document_of(anonymous)

    assert document["servers"] == [{"url": "/api/v1", "description": "This site."}]
    assert all(not path.startswith("/api/") for path in document["paths"])


def test_every_operation_has_a_readable_operation_id_and_a_declared_tag(anonymous):
    document = document_of(anonymous)
    declared = {tag["name"] for tag in document["tags"]}

    ids = {(method, path): op["operationId"] for method, path, op in operations(document)}
    assert ids[("post", "/orders/")] == "placeOrder"
    assert ids[("post", "/orders/{number}/cancel")] == "cancelOrder"
    assert ids[("get", "/cart/")] == "getCart"
    assert len(set(ids.values())) == len(ids)
    assert all("_" not in operation_id for operation_id in ids.values())
    assert all(set(op["tags"]) <= declared for _, _, op in operations(document))


def test_error_codes_and_order_statuses_are_one_enum_each(anonymous):
    schemas = document_of(anonymous)["components"]["schemas"]

    assert "insufficient_stock" in schemas["ErrorCode"]["enum"]
    assert schemas["ErrorDetail"]["properties"]["code"] == {"$ref": "#/components/schemas/ErrorCode"}
    assert schemas["OrderStatus"]["enum"] == ["pending", "paid", "shipped", "delivered", "cancelled"]
    assert schemas["OrderSummary"]["properties"]["status"] == {"$ref": "#/components/schemas/OrderStatus"}
    details = schemas["ErrorDetails"]
    assert details["additionalProperties"] is False
    assert set(details["properties"]) == {"fields", "items", "status", "target", "request_id"}
    assert details["properties"]["target"] == {"$ref": "#/components/schemas/OrderStatus"}


def test_each_operation_lists_the_errors_it_can_really_give(anonymous):
    paths = document_of(anonymous)["paths"]

    cancel, place = paths["/orders/{number}/cancel"]["post"], paths["/orders/"]["post"]
    assert "invalid_transition" in codes_of(cancel) and "insufficient_stock" not in codes_of(cancel)
    assert "insufficient_stock" in codes_of(place) and "invalid_transition" not in codes_of(place)
    assert {"empty_cart", "idempotency_key_reused", "rate_limited"} <= codes_of(place)
    token_401 = paths["/auth/token"]["post"]["responses"]["401"]
    assert "bearer" not in token_401["description"].lower()
    assert "not_found" not in codes_of(paths["/cart/"]["get"])


def test_operations_that_take_no_body_document_that_they_refuse_one(anonymous):
    operation = document_of(anonymous)["paths"]["/cart/"]["get"]

    assert {"413", "415"} <= set(operation["responses"])
    assert "fields_in_body" in operation["responses"]["400"]["content"]["application/json"]["examples"]


def test_the_rules_the_server_enforces_are_in_the_document(anonymous):
    schemas = document_of(anonymous)["components"]["schemas"]

    countries = schemas["CountryCode"]["enum"]
    assert "GB" in countries and "PX" not in countries and "gb" not in countries
    assert schemas["NewAddress"]["properties"]["country"] == {"$ref": "#/components/schemas/CountryCode"}
    full_name = schemas["NewAddress"]["properties"]["full_name"]
    assert full_name["maxLength"] == 120 and re.search(full_name["pattern"], " \t") is None
    assert re.search(full_name["pattern"], "Ada\x00") is None
    assert re.search(schemas["TokenRequest"]["properties"]["email"]["pattern"], "a\x00@example.com") is None


def test_an_order_placed_links_to_reading_and_cancelling_it(anonymous):
    created = document_of(anonymous)["paths"]["/orders/"]["post"]["responses"]["201"]

    assert created["links"]["getOrder"] == {
        "operationId": "getOrder",
        "parameters": {"number": "$response.body#/number"},
    }
    assert created["links"]["cancelOrder"]["operationId"] == "cancelOrder"
