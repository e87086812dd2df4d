"""Demo data for trying the shop on one machine: a small catalog, two accounts and a coupon."""

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.models import Address, Product, User
from app.services.accounts.users import find_user
from app.services.catalog.slugs import unique_slug
from app.services.ordering.coupons import build_coupon, find_coupon

SHOPPER_EMAIL = "shopper@example.com"
SHOPPER_PASSWORD = "shopper-demo-pass"
ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "admin-demo-pass"
COUPON_CODE = "WELCOME10"
COUPON_PERCENT = 10

# sku, name, price, stock, description
PRODUCTS = [
    (
        "MUG-CER-350",
        "Ceramic Coffee Mug, 350 ml",
        "12.50",
        40,
        "Stoneware mug with a matte glaze. Dishwasher safe.",
    ),
    ("TEE-ORG-M", "Organic Cotton T-Shirt (M)", "24.00", 25, "Soft 180 g/m2 organic cotton, regular fit."),
    (
        "BTL-STL-750",
        "Insulated Steel Bottle, 750 ml",
        "29.90",
        30,
        "Keeps drinks cold for 24 hours, hot for 12.",
    ),
    (
        "NTB-A5-DOT",
        "A5 Dotted Notebook",
        "9.75",
        60,
        "160 numbered pages of 100 g/m2 paper, lay-flat binding.",
    ),
    ("PEN-GEL-BLK3", "Gel Pens, Black (3-pack)", "6.40", 80, "0.5 mm quick-drying gel ink."),
    ("BAG-CNV-TOTE", "Canvas Tote Bag", "15.00", 35, "Heavy 12 oz canvas with an inside pocket."),
    ("CAN-SOY-LAV", "Lavender Soy Candle", "18.50", 20, "Hand-poured soy wax, about 40 hours of burn time."),
    ("TEA-GRN-100", "Sencha Green Tea, 100 g", "11.20", 45, "Loose-leaf first-flush sencha from Shizuoka."),
    (
        "COF-BEAN-1K",
        "Espresso Coffee Beans, 1 kg",
        "27.00",
        15,
        "Medium-dark roast, notes of cocoa and hazelnut.",
    ),
    ("HDP-WLS-01", "Wireless Headphones", "89.00", 8, "Over-ear, 30-hour battery, USB-C charging."),
    ("CHG-USBC-65", "65 W USB-C Charger", "34.99", 22, "Two ports; charges a laptop and a phone at once."),
    ("LMP-DSK-LED", "LED Desk Lamp", "42.00", 12, "Dimmable, three colour temperatures, touch control."),
    (
        "PLT-SUCC-3",
        "Succulent Trio in Pots",
        "21.50",
        10,
        "Three easy-care succulents in 8 cm terracotta pots.",
    ),
    (
        "SCK-WOOL-2",
        "Merino Wool Socks (2 pairs)",
        "16.80",
        3,
        "Warm, breathable and naturally odour-resistant.",
    ),
    (
        "PZL-1000-MAP",
        "1000-Piece World Map Puzzle",
        "19.95",
        0,
        "A vintage world map; finished size 68 x 48 cm.",
    ),
]

SHOPPER_ADDRESS = {
    "full_name": "Sam Shopper",
    "line1": "221B Baker Street",
    "line2": "",
    "city": "London",
    "postal_code": "NW1 6XE",
    "country": "GB",
    "phone": "+44 20 7946 0018",
}


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    is_admin: bool
    created: bool
    password_works: bool


@dataclass
class DemoSeed:
    """What `seed_demo` added this time (nothing on a second run) and the logins to print."""

    products_created: int = 0
    address_created: bool = False
    coupon_created: bool = False
    logins: list[DemoLogin] = field(default_factory=list)

    @property
    def created_anything(self) -> bool:
        return bool(
            self.products_created
            or self.address_created
            or self.coupon_created
            or any(login.created for login in self.logins)
        )


def seed_demo() -> DemoSeed:
    """Add whatever demo data is missing, in one transaction; existing rows are left as they are."""
    seed = DemoSeed()
    try:
        seed.products_created = _add_products()
        shopper = _ensure_user(seed, SHOPPER_EMAIL, SHOPPER_PASSWORD, is_admin=False)
        _ensure_user(seed, ADMIN_EMAIL, ADMIN_PASSWORD, is_admin=True)
        seed.address_created = _ensure_address(shopper)
        seed.coupon_created = _ensure_coupon()
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return seed


def _add_products() -> int:
    skus = [sku for sku, *_ in PRODUCTS]
    existing = set(db.session.scalars(select(Product.sku).where(Product.sku.in_(skus))))
    taken_slugs: set[str] = set()
    created = 0
    for sku, name, price, stock, description in PRODUCTS:
        if sku in existing:
            continue
        slug = unique_slug(name, taken_slugs)
        taken_slugs.add(slug)
        db.session.add(
            Product(sku=sku, name=name, slug=slug, price=Decimal(price), stock=stock, description=description)
        )
        created += 1
    return created


def _ensure_user(seed: DemoSeed, email: str, password: str, *, is_admin: bool) -> User:
    user = find_user(email)
    created = user is None
    if created:
        user = User(email=email, is_admin=is_admin)
        user.set_password(password)
        db.session.add(user)
        db.session.flush()
    works = created or user.check_password(password)
    seed.logins.append(
        DemoLogin(
            email=email, password=password, is_admin=user.is_admin, created=created, password_works=works
        )
    )
    return user


def _ensure_address(shopper: User) -> bool:
    has_address = db.session.scalar(select(Address.id).where(Address.user_id == shopper.id).limit(1))
    if has_address is not None:
        return False
    db.session.add(Address(user_id=shopper.id, is_default=True, **SHOPPER_ADDRESS))
    return True


def _ensure_coupon() -> bool:
    if find_coupon(COUPON_CODE) is not None:
        return False
    db.session.add(build_coupon(COUPON_CODE, percent=Decimal(COUPON_PERCENT)))
    return True
