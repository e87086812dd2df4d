"""factory-boy factories for test data, saved through the app's session."""

from decimal import Decimal

import factory
from factory.alchemy import SQLAlchemyModelFactory
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import Address, Cart, CartItem, Category, Coupon, Product, User


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class UserFactory(BaseFactory):
    class Meta:
        model = User
        exclude = ("password",)

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    password = "correct horse battery"
    # A cheap hash keeps the suite fast; the app itself uses scrypt.
    password_hash = factory.LazyAttribute(
        lambda o: generate_password_hash(o.password, method="pbkdf2:sha256:1000")
    )
    is_admin = False


class AddressFactory(BaseFactory):
    class Meta:
        model = Address

    user = factory.SubFactory(UserFactory)
    full_name = "Ada Lovelace"
    line1 = "12 Analytical Row"
    line2 = ""
    city = "London"
    postal_code = "N1 7AA"
    country = "GB"
    phone = "+44 20 7946 0000"


class ProductFactory(BaseFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.LazyAttribute(lambda o: o.sku.lower())
    description = "A fine product."
    price = Decimal("10.00")
    stock = 100
    is_active = True


class CategoryFactory(BaseFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    parent = None


class CouponFactory(BaseFactory):
    class Meta:
        model = Coupon

    code = factory.Sequence(lambda n: f"SAVE{n}")
    kind = "percent"
    value = Decimal("10.00")
    min_order_amount = Decimal("0.00")
    usage_limit = None
    per_user_limit = None
    used_count = 0
    is_active = True


def fill_cart(user: User, *lines: tuple[Product, int]) -> Cart:
    """Put (product, quantity) lines into the user's cart, creating it if needed."""
    cart = db.session.scalar(select(Cart).where(Cart.user_id == user.id))
    if cart is None:
        cart = Cart(user_id=user.id)
        db.session.add(cart)
        db.session.flush()
    for product, quantity in lines:
        db.session.add(CartItem(cart_id=cart.id, product_id=product.id, quantity=quantity))
    db.session.commit()
    return cart
