"""Search, filters and sorts (docs/behaviour.md#search), on the shop's pages and in the API."""

from datetime import timedelta
from decimal import Decimal

import pytest

from app.models.types import utcnow
from tests.factories import CategoryFactory, ProductFactory


@pytest.fixture
def postgres_only(is_postgres):
    if not is_postgres:
        pytest.skip("full-text search (stemming, ranking, -word) is PostgreSQL's; SQLite matches plain text")


def names(client, query: str) -> list[str]:
    response = client.get(f"/api/v1/products/?{query}")
    assert response.status_code == 200, response.get_json()
    return [item["name"] for item in response.get_json()["items"]]


def body(client, query: str) -> dict:
    return client.get(f"/api/v1/products/?{query}").get_json()


# --- full-text search on PostgreSQL


def test_a_search_finds_other_forms_of_the_word(client, postgres_only):
    ProductFactory(name="Trail Run Shoes", description="Light.")
    ProductFactory(name="Garden Hose", description="Green.")

    assert names(client, "q=running") == ["Trail Run Shoes"]


def test_a_match_in_the_name_ranks_above_a_match_in_the_description(client, postgres_only):
    ProductFactory(name="A Teapot Stand", description="Cork, for a kettle.")
    ProductFactory(name="Z Kettle", description="Steel.")

    assert names(client, "q=kettle") == ["Z Kettle", "A Teapot Stand"]


def test_a_minus_word_excludes_products_with_that_word(client, postgres_only):
    ProductFactory(name="Ceramic Mug")
    ProductFactory(name="Steel Mug")

    assert names(client, "q=mug+-steel") == ["Ceramic Mug"]


def test_a_quoted_phrase_matches_the_words_together(client, postgres_only):
    ProductFactory(name="Green Tea Cup")
    ProductFactory(name="Tea Green Cup")

    assert names(client, "q=%22green+tea%22") == ["Green Tea Cup"]


def test_words_are_matched_as_text_on_any_database(client):
    ProductFactory(name="Blue Kettle")
    ProductFactory(name="Mug", description="Goes with the blue kettle.")
    ProductFactory(name="Plate")

    assert names(client, "q=kettle") == ["Blue Kettle", "Mug"]


# --- filters and sorts, alone and with paging


@pytest.fixture
def catalog(app):
    home = CategoryFactory(name="Home", slug="home")
    kitchen = CategoryFactory(name="Kitchen", slug="kitchen", parent=home)
    garden = CategoryFactory(name="Garden", slug="garden")
    now = utcnow()
    rows = [
        # name, price, stock, category, age in days
        ("Apron", "12.00", 5, kitchen, 9),
        ("Bowl", "8.00", 0, kitchen, 8),
        ("Cushion", "25.00", 3, home, 7),
        ("Doormat", "19.50", 0, home, 6),
        ("Egg Timer", "6.00", 9, kitchen, 5),
        ("Fork Set", "30.00", 2, kitchen, 4),
        ("Gloves", "14.00", 7, garden, 3),
        ("Hoe", "22.00", 1, garden, 2),
        ("Iron Pan", "45.00", 4, None, 1),
    ]
    for name, price, stock, category, days in rows:
        ProductFactory(
            name=name,
            price=Decimal(price),
            stock=stock,
            category=category,
            created_at=now - timedelta(days=days),
        )
    ProductFactory(name="Jug", price=Decimal("10.00"), category=kitchen, is_active=False)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=home", ["Apron", "Bowl", "Cushion", "Doormat", "Egg Timer", "Fork Set"]),
        ("category=kitchen", ["Apron", "Bowl", "Egg Timer", "Fork Set"]),
        ("min_price=14&max_price=25", ["Cushion", "Doormat", "Gloves", "Hoe"]),
        ("min_price=30", ["Fork Set", "Iron Pan"]),
        ("max_price=8", ["Bowl", "Egg Timer"]),
        ("in_stock=1", ["Apron", "Cushion", "Egg Timer", "Fork Set", "Gloves", "Hoe", "Iron Pan"]),
        (
            "sort=price",
            ["Egg Timer", "Bowl", "Apron", "Gloves", "Doormat", "Hoe", "Cushion", "Fork Set", "Iron Pan"],
        ),
        (
            "sort=-price",
            ["Iron Pan", "Fork Set", "Cushion", "Hoe", "Doormat", "Gloves", "Apron", "Bowl", "Egg Timer"],
        ),
        (
            "sort=newest",
            ["Iron Pan", "Hoe", "Gloves", "Fork Set", "Egg Timer", "Doormat", "Cushion", "Bowl", "Apron"],
        ),
        (
            "sort=name",
            ["Apron", "Bowl", "Cushion", "Doormat", "Egg Timer", "Fork Set", "Gloves", "Hoe", "Iron Pan"],
        ),
        ("category=home&in_stock=1&sort=-price", ["Fork Set", "Cushion", "Apron", "Egg Timer"]),
        ("category=kitchen&min_price=7&sort=newest", ["Fork Set", "Bowl", "Apron"]),
    ],
)
def test_each_filter_and_sort_gives_the_right_products(client, catalog, query, expected):
    assert names(client, query) == expected
    assert body(client, query)["total"] == len(expected)


@pytest.mark.parametrize(
    ("query", "pages"),
    [
        (
            "sort=price",
            [
                ["Egg Timer", "Bowl"],
                ["Apron", "Gloves"],
                ["Doormat", "Hoe"],
                ["Cushion", "Fork Set"],
                ["Iron Pan"],
            ],
        ),
        ("category=home&sort=-price", [["Fork Set", "Cushion"], ["Doormat", "Apron"], ["Bowl", "Egg Timer"]]),
        (
            "in_stock=1&min_price=10&sort=newest",
            [["Iron Pan", "Hoe"], ["Gloves", "Fork Set"], ["Cushion", "Apron"]],
        ),
        ("category=garden&in_stock=1&max_price=20", [["Gloves"]]),
    ],
)
def test_paging_through_a_combination_gives_every_product_once_and_the_total(client, catalog, query, pages):
    total = sum(len(page) for page in pages)
    for number, expected in enumerate(pages, start=1):
        page = body(client, f"{query}&per_page=2&page={number}")
        assert [item["name"] for item in page["items"]] == expected
        assert page["total"] == total


def test_words_combine_with_filters_and_a_sort(client, catalog):
    assert names(client, "q=iron&min_price=40") == ["Iron Pan"]
    assert names(client, "q=iron&max_price=40") == []


# --- bad values


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("min_price=cheap", "min_price"),
        ("max_price=-1", "max_price"),
        ("min_price=1.999", "min_price"),
        ("in_stock=yes", "in_stock"),
        ("sort=popularity", "sort"),
        ("category=%3Cscript%3E", "category"),
        ("q=" + "x" * 201, "q"),
    ],
)
def test_the_api_refuses_a_bad_value_naming_the_field(client, catalog, query, field):
    response = client.get(f"/api/v1/products/?{query}")

    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert list(error["details"]["fields"]) == [field]


@pytest.mark.parametrize("query", ["category=nowhere", "min_price=20&max_price=10", "q=zzzz"])
def test_the_api_answers_a_search_nothing_can_match_with_no_products(client, catalog, query):
    response = client.get(f"/api/v1/products/?{query}")

    assert response.status_code == 200
    assert (response.get_json()["items"], response.get_json()["total"]) == ([], 0)


def test_the_openapi_document_lists_the_filters_with_their_values(client):
    operation = client.get("/api/v1/openapi.json").get_json()["paths"]["/products/"]["get"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}

    assert {"q", "category", "min_price", "max_price", "in_stock", "sort", "page", "per_page"} <= set(
        parameters
    )
    assert parameters["sort"]["schema"]["enum"] == ["relevance", "name", "price", "-price", "newest"]
    assert "400" in operation["responses"]


def test_a_page_ignores_a_bad_value_says_so_and_still_lists_products(client, catalog):
    page = client.get("/?sort=popularity&max_price=abc&in_stock=1").get_data(as_text=True)

    assert "Some of the filters could not be used and were ignored" in page
    assert "sort: Sort by one of: relevance, name, price, -price, newest." in page
    assert "max price: &#39;abc&#39; is not a price" in page
    assert "Apron" in page and "Bowl" not in page  # in_stock=1 still applies


def test_a_page_with_an_unknown_category_says_so_and_lists_everything(client, catalog):
    page = client.get("/?category=nowhere").get_data(as_text=True)

    assert "There is no category &#39;nowhere&#39;." in page
    assert "Iron Pan" in page and "Apron" in page


def test_the_page_keeps_the_filters_in_its_links_and_form(client, catalog):
    page = client.get("/?category=home&in_stock=1&sort=-price&min_price=1").get_data(as_text=True)

    listed = [name for name in ("Fork Set", "Cushion", "Apron", "Egg Timer") if name in page]
    assert listed == ["Fork Set", "Cushion", "Apron", "Egg Timer"]
    assert page.index("Fork Set") < page.index("Cushion") < page.index("Apron") < page.index("Egg Timer")
    assert "Bowl" not in page and "Gloves" not in page
    assert '<option value="home" selected>' in page
    assert '<option value="-price" selected>' in page
    assert 'name="in_stock" value="1" checked' in page
    assert 'id="min_price" name="min_price" min="0" step="0.01" inputmode="decimal" value="1"' in page


def test_a_category_page_pages_with_its_filters_in_the_links(client, catalog, app):
    app.config["PRODUCTS_PER_PAGE"] = 2

    page = client.get("/c/home?sort=price&in_stock=1").get_data(as_text=True)

    assert "Egg Timer" in page and "Apron" in page and "Cushion" not in page
    assert 'href="/c/home?page=2&amp;in_stock=1&amp;sort=price"' in page
    second = client.get("/c/home?page=2&in_stock=1&sort=price").get_data(as_text=True)
    assert "Cushion" in second and "Fork Set" in second and "Page 2 of 2" in second
