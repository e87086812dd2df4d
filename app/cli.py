"""The flask commands: seed-demo, users create, products import, coupons create.

Each command reads its arguments, calls one service function and prints the outcome. Bad input
exits non-zero with a message naming the problem, and the database is left as it was
(docs/behaviour.md#command-line).
"""

from datetime import UTC, datetime, time
from decimal import Decimal

import click
from flask import Flask, current_app
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.services import demo
from app.services.accounts import users
from app.services.catalog import imports
from app.services.errors import ValidationFailed
from app.services.ordering import coupons
from app.services.ordering.pricing import parse_decimal


def register(app: Flask) -> None:
    """Add the shop's commands to `flask --app wsgi`."""
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(users_group)
    app.cli.add_command(products_group)
    app.cli.add_command(coupons_group)
    app.cli.add_command(payments_group)


class DecimalType(click.ParamType):
    """A decimal number, as written (money, or a percent).

    Whether it can be stored (places, size, sign) is the service's rule
    (coupons.build_coupon, by pricing.amount_problem), shared with the admin pages.
    """

    name = "decimal"

    def convert(self, value, param, ctx):
        number = parse_decimal(value)
        if number is None:
            self.fail(f"{value!r} is not a number.", param, ctx)
        return number


class UTCDateTimeType(click.ParamType):
    """An ISO 8601 date or datetime; without an offset it is taken as UTC."""

    name = "iso-datetime"

    def __init__(self, *, date_only_means_end_of_day: bool = False):
        self.end_of_day = date_only_means_end_of_day

    def convert(self, value, param, ctx):
        if isinstance(value, datetime):
            return value
        text = str(value).strip()
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 date or datetime, e.g. 2030-01-31T18:00.", param, ctx)
        if self.end_of_day and len(text) == 10:
            # "--valid-until 2030-01-31" means the coupon still works on the 31st.
            moment = datetime.combine(moment.date(), time.max)
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)


def _refuse(exc: ValidationFailed) -> click.ClickException:
    db.session.rollback()
    return click.ClickException(exc.message)


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Add demo products, a shopper, an admin and a coupon (safe to run again); print the logins."""
    if current_app.config.get("STORE_ENV") == "production":
        raise click.ClickException(
            "seed-demo refuses to run with STORE_ENV=production: demo data is for trying the shop."
        )
    seed = demo.seed_demo()
    added = [f"{seed.products_created} products"] if seed.products_created else []
    added += [f"account {login.email}" for login in seed.logins if login.created]
    if seed.address_created:
        added.append("an address for the shopper")
    if seed.coupon_created:
        added.append(f"coupon {demo.COUPON_CODE} ({demo.COUPON_PERCENT}% off)")
    click.echo(
        f"Demo data added: {', '.join(added)}." if added else "Demo data already present; nothing added."
    )
    click.echo("Log in at /auth/login with:")
    for login in seed.logins:
        role = "admin" if login.is_admin else "shopper"
        note = "" if login.password_works else "  (existing account with another password: left unchanged)"
        click.echo(f"  {role:<8} {login.email:<22} password: {login.password}{note}")
    click.echo(f"Coupon code: {demo.COUPON_CODE}")


@click.group("users")
def users_group() -> None:
    """Manage users."""


@users_group.command("create")
@click.argument("email")
@click.option(
    "--password", prompt=True, hide_input=True, confirmation_prompt=True, help="At least 8 characters."
)
@click.option("--admin", "is_admin", is_flag=True, help="Give the account access to /admin.")
def create_user_command(email: str, password: str, is_admin: bool) -> None:
    """Add an account with EMAIL and --password."""
    try:
        user = users.register_user(email, password, is_admin=is_admin)
    except ValidationFailed as exc:
        raise _refuse(exc) from None
    click.echo(f"Created {'admin' if user.is_admin else 'shopper'} account {user.email}.")


@click.group("products")
def products_group() -> None:
    """Manage the catalog."""


@products_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def import_products_command(file: str) -> None:
    """Add or update products by sku from CSV FILE.

    Columns: sku,name,price,stock[,description][,is_active]. A blank description or is_active
    keeps an existing product's value. Every line is checked first; if any is bad, nothing is imported.
    """
    try:
        with open(file, encoding="utf-8-sig", newline="") as source:
            result = imports.import_products(source, source_name=f"products import {file}")
    except UnicodeDecodeError:
        raise click.ClickException(f"{file} is not UTF-8 text; nothing was imported.") from None
    except ValidationFailed as exc:
        db.session.rollback()
        raise click.ClickException(f"{file}: nothing was imported.\n{exc.message}") from None
    except IntegrityError:
        # Another import or an admin saved the same sku or slug at the same moment.
        raise click.ClickException(
            f"{file}: a product changed while importing; nothing was imported, try again."
        ) from None
    total = result.created + result.updated
    click.echo(f"Imported {total} products: {result.created} created, {result.updated} updated.")


@click.group("coupons")
def coupons_group() -> None:
    """Manage discount coupons."""


@coupons_group.command("create")
@click.argument("code")
@click.option("--percent", type=DecimalType(), help="Percent off the subtotal, 1 to 100.")
@click.option("--amount", type=DecimalType(), help="Fixed amount off the subtotal, more than 0.")
@click.option(
    "--min-order",
    type=DecimalType(),
    default=Decimal("0.00"),
    show_default=True,
    help="Smallest subtotal it applies to.",
)
@click.option("--usage-limit", type=int, help="Total number of uses (unlimited if not given).")
@click.option("--per-user-limit", type=int, help="Uses per shopper (unlimited if not given).")
@click.option("--valid-from", type=UTCDateTimeType(), help="ISO 8601 start; UTC when no offset is given.")
@click.option(
    "--valid-until",
    type=UTCDateTimeType(date_only_means_end_of_day=True),
    help="ISO 8601 end; UTC when no offset is given; a date alone means the end of that day.",
)
@click.option("--inactive", is_flag=True, help="Create it switched off.")
def create_coupon_command(
    code, percent, amount, min_order, usage_limit, per_user_limit, valid_from, valid_until, inactive
):
    """Add coupon CODE with exactly one of --percent or --amount."""
    if (percent is None) == (amount is None):
        raise click.UsageError("Give exactly one of --percent or --amount.")
    try:
        coupon = coupons.create_coupon(
            code,
            percent=percent,
            amount=amount,
            min_order=min_order,
            usage_limit=usage_limit,
            per_user_limit=per_user_limit,
            valid_from=valid_from,
            valid_until=valid_until,
            active=not inactive,
        )
    except ValidationFailed as exc:
        raise _refuse(exc) from None
    state = "inactive" if not coupon.is_active else "active"
    click.echo(f"Created coupon {coupon.code}: {coupon.describe()} ({state}).")


@click.group("payments")
def payments_group() -> None:
    """Card payments (docs/payments.md)."""


@payments_group.command("expire")
def expire_payments_command() -> None:
    """Run the payment expiry and reconciliation once: mark paid what Stripe took, cancel what expired."""
    from app.services.payments import expiry

    outcome = expiry.run_once()
    click.echo(
        f"paid {len(outcome.paid)}, cancelled {len(outcome.cancelled)}, refunded {len(outcome.refunded)}, "
        f"not checked (provider unreachable) {len(outcome.unreachable)}"
    )
    for label, numbers in (("paid", outcome.paid), ("cancelled", outcome.cancelled)):
        for number in numbers:
            click.echo(f"  {label}: {number}")
    if outcome.unreachable:
        raise SystemExit(1)
