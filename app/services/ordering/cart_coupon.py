"""The coupon applied at checkout, remembered on the cart until removed (docs/behaviour.md#coupons).

Placing an order forgets it (cart.lock_cart), and a visitor's comes along at login
(cart.merge_visitor_cart). Its rules are checked each time it is shown (preview.py).
"""

from sqlalchemy import select, update

from app.extensions import db
from app.models import Cart
from app.services.ordering.cart import CartOwner, Visitor


def remembered_coupon(owner: CartOwner) -> str | None:
    """The code of the coupon applied to the cart at checkout, if one is (one query)."""
    return db.session.scalar(select(Cart.coupon_code).where(_owned_by(owner)))


def remember_coupon(owner: CartOwner, code: str) -> None:
    """Keep the coupon applied to the cart until it is removed or an order placed; commits.

    The caller has checked the coupon; a cart not made yet has nothing to remember it on.
    """
    db.session.execute(update(Cart).where(_owned_by(owner)).values(coupon_code=code))
    db.session.commit()


def forget_coupon(owner: CartOwner) -> None:
    """Remove the cart's coupon; commits."""
    db.session.execute(update(Cart).where(_owned_by(owner)).values(coupon_code=None))
    db.session.commit()


def _owned_by(owner: CartOwner):
    if isinstance(owner, Visitor):
        return Cart.visitor_token_hash == owner.token_hash
    return Cart.user_id == owner
