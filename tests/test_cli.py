"""The flask commands (docs/behaviour.md#command-line), as an operator runs them."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Address, Coupon, Product, StockAdjustment, User
from app.services import demo
from app.services.accounts.users import authenticate
from tests.conftest import PASSWORD
from tests.factories import CouponFactory, ProductFactory, UserFactory


@pytest.fixture
def runner(app):
    """Flask's CLI runner (tests/conftest.py does not provide one yet)."""
    return app.test_cli_runner()


def database_snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, to show that a refused command changed nothing."""
    db.session.expire_all()
    return {
        table.name: sorted(db.session.execute(select(table)).all(), key=repr)
        for table in db.metadata.sorted_tables
    }


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def product(sku: str) -> Product | None:
    db.session.expire_all()
    return db.session.scalar(select(Product).where(Product.sku == sku))


def assert_refused(result, *phrases: str) -> None:
    assert result.exit_code != 0, result.output
    for phrase in phrases:
        assert phrase in result.output


# --- seed-demo -------------------------------------------------------------------------------


def test_seed_demo_adds_a_catalog_of_at_least_twelve_products(runner):
    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    products = db.session.scalars(select(Product)).all()
    assert len(products) >= 12
    assert all(p.name and p.description and p.price > 0 and p.is_active for p in products)
    assert len({p.slug for p in products}) == len(products)
    assert any(p.stock > 0 for p in products)


def test_seed_demo_adds_a_shopper_with_an_address_and_an_admin(runner):
    runner.invoke(args=["seed-demo"])

    shopper = authenticate(demo.SHOPPER_EMAIL, demo.SHOPPER_PASSWORD)
    admin = authenticate(demo.ADMIN_EMAIL, demo.ADMIN_PASSWORD)
    assert shopper is not None and not shopper.is_admin
    assert admin is not None and admin.is_admin
    address = db.session.scalar(select(Address).where(Address.user_id == shopper.id))
    assert address is not None and address.is_default


def test_seed_demo_adds_a_ten_percent_welcome_coupon(runner):
    runner.invoke(args=["seed-demo"])

    coupon = db.session.scalar(select(Coupon).where(Coupon.code == "WELCOME10"))
    assert (coupon.kind, coupon.value, coupon.is_active) == ("percent", Decimal("10.00"), True)


def test_seed_demo_prints_the_logins(runner):
    result = runner.invoke(args=["seed-demo"])

    for text in (
        demo.SHOPPER_EMAIL,
        demo.SHOPPER_PASSWORD,
        demo.ADMIN_EMAIL,
        demo.ADMIN_PASSWORD,
        "WELCOME10",
    ):
        assert text in result.output


def test_seed_demo_run_twice_creates_nothing_new(runner):
    runner.invoke(args=["seed-demo"])
    before = database_snapshot()

    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    assert "nothing added" in result.output
    assert demo.SHOPPER_PASSWORD in result.output
    assert database_snapshot() == before


def test_seed_demo_keeps_an_existing_accounts_password(runner):
    UserFactory(email=demo.SHOPPER_EMAIL, password=PASSWORD)

    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    assert count(User) == 2
    assert authenticate(demo.SHOPPER_EMAIL, PASSWORD) is not None
    assert "another password" in result.output


def test_seed_demo_keeps_products_already_in_the_catalog(runner):
    sku, *_ = demo.PRODUCTS[0]
    ProductFactory(sku=sku, name="My own mug", slug="my-own-mug", price=Decimal("1.00"), stock=2)

    runner.invoke(args=["seed-demo"])

    kept = product(sku)
    assert (kept.name, kept.price, kept.stock) == ("My own mug", Decimal("1.00"), 2)
    assert count(Product) == len(demo.PRODUCTS)


def test_seed_demo_refuses_in_production(app, runner):
    app.config["STORE_ENV"] = "production"

    result = runner.invoke(args=["seed-demo"])

    assert_refused(result, "STORE_ENV=production")
    assert count(Product) == count(User) == count(Coupon) == 0


# --- users create ----------------------------------------------------------------------------


def test_users_create_adds_a_shopper_who_can_log_in(runner):
    result = runner.invoke(args=["users", "create", "New@Example.com", "--password", "long enough pw"])

    assert result.exit_code == 0, result.output
    assert "new@example.com" in result.output
    user = authenticate("new@example.com", "long enough pw")
    assert user is not None and not user.is_admin


def test_users_create_with_admin_flag_adds_an_admin(runner):
    result = runner.invoke(
        args=["users", "create", "boss@example.com", "--password", "long enough pw", "--admin"]
    )

    assert result.exit_code == 0, result.output
    assert authenticate("boss@example.com", "long enough pw").is_admin


def test_users_create_asks_for_the_password_when_not_given(runner):
    result = runner.invoke(
        args=["users", "create", "asked@example.com"], input="typed secret\ntyped secret\n"
    )

    assert result.exit_code == 0, result.output
    assert authenticate("asked@example.com", "typed secret") is not None


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("SHOPPER@example.com", "long enough pw", "already exists"),
        ("not-an-email", "long enough pw", "email"),
        ("fresh@example.com", "short", "at least 8 characters"),
    ],
    ids=["existing email in another case", "invalid email", "short password"],
)
def test_users_create_refuses_bad_input_and_adds_nobody(runner, shopper, email, password, message):
    before = database_snapshot()

    result = runner.invoke(args=["users", "create", email, "--password", password])

    assert_refused(result, message)
    assert result.exit_code == 1
    assert database_snapshot() == before


# --- products import -------------------------------------------------------------------------


@pytest.fixture
def csv_file(tmp_path):
    def write(text: str, name: str = "products.csv") -> str:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def test_products_import_creates_products_from_every_column(runner, csv_file):
    path = csv_file(
        "sku,name,price,stock,description,is_active\n"
        'TEA-1,Earl Grey Tea,7.50,30,"Black tea, bergamot",true\n'
        "TEA-2,Rooibos,6,0,,no\n"
    )

    result = runner.invoke(args=["products", "import", path])

    assert result.exit_code == 0, result.output
    assert "2 created, 0 updated" in result.output
    earl_grey, rooibos = product("TEA-1"), product("TEA-2")
    assert (earl_grey.name, earl_grey.slug, earl_grey.price, earl_grey.stock) == (
        "Earl Grey Tea",
        "earl-grey-tea",
        Decimal("7.50"),
        30,
    )
    assert (earl_grey.description, earl_grey.is_active) == ("Black tea, bergamot", True)
    assert (rooibos.price, rooibos.stock, rooibos.description, rooibos.is_active) == (
        Decimal("6.00"),
        0,
        "",
        False,
    )


def test_products_import_needs_only_the_four_required_columns(runner, csv_file):
    path = csv_file("stock,price,name,sku\n5,2.25,Lemon Drops,SW-1\n")

    result = runner.invoke(args=["products", "import", path])

    assert result.exit_code == 0, result.output
    lemon = product("SW-1")
    assert (lemon.name, lemon.price, lemon.stock, lemon.is_active) == (
        "Lemon Drops",
        Decimal("2.25"),
        5,
        True,
    )


def test_products_import_updates_a_product_with_the_same_sku(runner, csv_file):
    ProductFactory(sku="TEA-1", name="Old name", slug="old-name", price=Decimal("1.00"), stock=4)
    path = csv_file("sku,name,price,stock\nTEA-1,Earl Grey Tea,7.50,30\n")

    result = runner.invoke(args=["products", "import", path])

    assert result.exit_code == 0, result.output
    assert "0 created, 1 updated" in result.output
    updated = product("TEA-1")
    assert (updated.name, updated.price, updated.stock) == ("Earl Grey Tea", Decimal("7.50"), 30)
    assert updated.slug == "old-name"  # the product page keeps its address
    assert count(Product) == 1


def test_products_import_records_a_stock_change_as_an_adjustment(runner, csv_file):
    ProductFactory(sku="TEA-1", stock=4)
    path = csv_file("sku,name,price,stock\nTEA-1,Earl Grey Tea,7.50,30\n")

    runner.invoke(args=["products", "import", path])

    adjustment = db.session.scalar(select(StockAdjustment))
    assert adjustment.delta == 26
    assert "products import" in adjustment.reason


def test_products_import_blank_description_and_is_active_keep_current_values(runner, csv_file):
    ProductFactory(sku="TEA-1", description="Keep me", is_active=False)
    path = csv_file("sku,name,price,stock,description,is_active\nTEA-1,Earl Grey,7.50,30,,\n")

    runner.invoke(args=["products", "import", path])

    kept = product("TEA-1")
    assert (kept.description, kept.is_active) == ("Keep me", False)


def test_products_import_makes_slugs_unique(runner, csv_file):
    ProductFactory(sku="OLD", name="Blue Mug", slug="blue-mug")
    path = csv_file("sku,name,price,stock\nMUG-1,Blue Mug,5,1\nMUG-2,Blue  mug!,5,1\n")

    result = runner.invoke(args=["products", "import", path])

    assert result.exit_code == 0, result.output
    assert (product("MUG-1").slug, product("MUG-2").slug) == ("blue-mug-2", "blue-mug-3")


def test_products_import_accepts_a_byte_order_mark_and_skips_blank_lines(runner, csv_file, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text("sku,name,price,stock\r\nA-1,Apple,1.00,1\r\n\r\n,,,\r\n", encoding="utf-8-sig")

    result = runner.invoke(args=["products", "import", str(path)])

    assert result.exit_code == 0, result.output
    assert count(Product) == 1


BAD_ROWS = {
    "blank sku": (" ,Pear,1.00,1", "sku is blank"),
    "blank name": ("P-2,  ,1.00,1", "name is blank"),
    "negative price": ("P-2,Pear,-0.01,1", "price -0.01 is negative"),
    "non-numeric price": ("P-2,Pear,cheap,1", "price 'cheap' is not a number"),
    "blank price": ("P-2,Pear,,1", "price is blank"),
    "price with fractions of a cent": ("P-2,Pear,1.005,1", "price 1.005 has more than 2 decimal places"),
    "negative stock": ("P-2,Pear,1.00,-1", "stock -1 is negative"),
    "non-integer stock": ("P-2,Pear,1.00,2.5", "stock '2.5' is not a whole number"),
    "blank stock": ("P-2,Pear,1.00,", "stock is blank"),
    "too many fields": ("P-2,Pear,1.00,1,extra", "expected 4 fields, found 5"),
}


@pytest.mark.parametrize(("row", "message"), BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_products_import_refuses_a_bad_row_naming_its_line_and_imports_nothing(
    runner, csv_file, row, message
):
    ProductFactory(sku="P-0", name="Plum", price=Decimal("3.00"), stock=3)
    before = database_snapshot()
    path = csv_file(f"sku,name,price,stock\nP-0,Plum,9.99,99\nP-1,Apple,1.00,1\n{row}\n")

    result = runner.invoke(args=["products", "import", path])

    assert_refused(result, "nothing was imported", f"line 4: {message}")
    assert database_snapshot() == before


def test_products_import_refuses_a_bad_is_active(runner, csv_file):
    path = csv_file("sku,name,price,stock,is_active\nA-1,Apple,1.00,1,yes\nA-2,Pear,1.00,1,maybe\n")

    result = runner.invoke(args=["products", "import", path])

    assert_refused(result, "line 3: is_active 'maybe'")
    assert count(Product) == 0


def test_products_import_lists_every_bad_line(runner, csv_file):
    path = csv_file("sku,name,price,stock\n,Apple,1,1\nA-2,Pear,x,1\n")

    result = runner.invoke(args=["products", "import", path])

    assert_refused(result, "line 2: sku is blank", "line 3: price 'x' is not a number")


def test_products_import_counts_lines_of_a_quoted_multi_line_description(runner, csv_file):
    path = csv_file('sku,name,price,stock,description\nA-1,Apple,1,1,"two\nlines"\nA-2,Pear,x,1,\n')

    result = runner.invoke(args=["products", "import", path])

    assert_refused(result, "line 4: price 'x'")


def test_products_import_refuses_a_sku_repeated_in_the_file(runner, csv_file):
    path = csv_file("sku,name,price,stock\nA-1,Apple,1,1\nA-2,Pear,1,1\nA-1,Apricot,2,2\n")

    result = runner.invoke(args=["products", "import", path])

    assert_refused(result, "line 4: sku A-1 already appears on line 2")
    assert count(Product) == 0


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("sku,name,price", "missing required column(s): stock"),
        ("sku,title,price,stock", "missing required column(s): name; unknown column(s): title"),
        ("sku,name,price,stock,stock", "repeated column(s): stock"),
    ],
    ids=["missing column", "misspelt column", "repeated column"],
)
def test_products_import_refuses_a_bad_header(runner, csv_file, header, message):
    path = csv_file(f"{header}\nA-1,Apple,1,1\n")

    result = runner.invoke(args=["products", "import", path])

    assert_refused(result, f"line 1: {message}")
    assert count(Product) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [("", "The file is empty"), ("sku,name,price,stock\n", "no product lines")],
    ids=["empty file", "header only"],
)
def test_products_import_refuses_a_file_without_products(runner, csv_file, content, message):
    result = runner.invoke(args=["products", "import", csv_file(content)])

    assert_refused(result, message)


def test_products_import_refuses_a_file_that_is_not_utf8(runner, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("sku,name,price,stock\nA-1,Crème,1,1\n".encode("latin-1"))

    result = runner.invoke(args=["products", "import", str(path)])

    assert_refused(result, "not UTF-8")
    assert count(Product) == 0


def test_products_import_refuses_a_missing_file(runner, tmp_path):
    result = runner.invoke(args=["products", "import", str(tmp_path / "nope.csv")])

    assert_refused(result, "does not exist")


# --- coupons create --------------------------------------------------------------------------


def coupon(code: str) -> Coupon:
    db.session.expire_all()
    return db.session.scalar(select(Coupon).where(Coupon.code == code))


def test_coupons_create_adds_a_percent_coupon_with_every_option(runner):
    result = runner.invoke(
        args=[
            "coupons",
            "create",
            " spring25 ",
            "--percent",
            "25",
            "--min-order",
            "40",
            "--usage-limit",
            "100",
            "--per-user-limit",
            "1",
            "--valid-from",
            "2030-03-01T09:00",
            "--valid-until",
            "2030-03-31T23:00:00+02:00",
        ]
    )

    assert result.exit_code == 0, result.output
    assert "SPRING25" in result.output
    created = coupon("SPRING25")
    assert (created.kind, created.value, created.min_order_amount) == (
        "percent",
        Decimal("25.00"),
        Decimal("40.00"),
    )
    assert (created.usage_limit, created.per_user_limit, created.used_count) == (100, 1, 0)
    assert created.valid_from == datetime(2030, 3, 1, 9, 0, tzinfo=UTC)  # no offset: UTC
    assert created.valid_until == datetime(2030, 3, 31, 21, 0, tzinfo=UTC)
    assert created.is_active


def test_coupons_create_adds_a_fixed_amount_coupon(runner):
    result = runner.invoke(args=["coupons", "create", "FIVE", "--amount", "5.00"])

    assert result.exit_code == 0, result.output
    created = coupon("FIVE")
    assert (created.kind, created.value, created.min_order_amount) == (
        "fixed",
        Decimal("5.00"),
        Decimal("0.00"),
    )
    assert (created.usage_limit, created.per_user_limit, created.valid_from, created.valid_until) == (
        None,
        None,
        None,
        None,
    )


def test_coupons_create_inactive_flag_adds_it_switched_off(runner):
    runner.invoke(args=["coupons", "create", "LATER", "--percent", "5", "--inactive"])

    assert coupon("LATER").is_active is False


def test_coupons_create_valid_until_a_date_lasts_to_the_end_of_that_day(runner):
    runner.invoke(args=["coupons", "create", "XMAS", "--percent", "5", "--valid-until", "2030-12-25"])

    assert coupon("XMAS").valid_until.replace(microsecond=0) == datetime(2030, 12, 25, 23, 59, 59, tzinfo=UTC)


COUPON_REFUSALS = {
    "code exists in another case": (
        ["welcome", "--percent", "5"],
        "A coupon with code WELCOME already exists",
    ),
    "percent zero": (["NEW", "--percent", "0"], "between 1 and 100"),
    "percent over 100": (["NEW", "--percent", "101"], "between 1 and 100"),
    "amount zero": (["NEW", "--amount", "0"], "more than zero"),
    "negative amount": (["NEW", "--amount", "-5"], "more than zero"),
    "non-numeric amount": (["NEW", "--amount", "five"], "'five' is not a number"),
    "amount with fractions of a cent": (["NEW", "--amount", "1.001"], "more than 2 decimal places"),
    "both percent and amount": (
        ["NEW", "--percent", "5", "--amount", "5"],
        "exactly one of --percent or --amount",
    ),
    "neither percent nor amount": (["NEW"], "exactly one of --percent or --amount"),
    "negative minimum order": (
        ["NEW", "--percent", "5", "--min-order", "-1"],
        "minimum order cannot be negative",
    ),
    "negative usage limit": (
        ["NEW", "--percent", "5", "--usage-limit", "-1"],
        "usage limit cannot be negative",
    ),
    "zero per-user limit": (["NEW", "--percent", "5", "--per-user-limit", "0"], "at least 1"),
    "bad date": (["NEW", "--percent", "5", "--valid-from", "next tuesday"], "not an ISO 8601"),
    "end before start": (
        ["NEW", "--percent", "5", "--valid-from", "2030-02-01", "--valid-until", "2030-01-01"],
        "end must not be before the start",
    ),
    "code too long": (["X" * 41, "--percent", "5"], "at most 40 characters"),
    "blank code": (["  ", "--percent", "5"], "A code is required"),
}


@pytest.mark.parametrize(("args", "message"), COUPON_REFUSALS.values(), ids=COUPON_REFUSALS.keys())
def test_coupons_create_refuses_bad_input_and_adds_nothing(runner, args, message):
    CouponFactory(code="WELCOME")
    before = database_snapshot()

    result = runner.invoke(args=["coupons", "create", *args])

    assert_refused(result, message)
    assert database_snapshot() == before
