"""Discount coupons (docs/behaviour.md#coupons)."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import ZERO, Money, UTCDateTime, utcnow

PERCENT = "percent"
FIXED = "fixed"


class Coupon(db.Model):
    __tablename__ = "coupons"
    __table_args__ = (
        CheckConstraint("kind IN ('percent', 'fixed')", name="kind_known"),
        CheckConstraint(
            "(kind = 'percent' AND value >= 1 AND value <= 100) OR (kind = 'fixed' AND value > 0)",
            name="value_in_range",
        ),
        CheckConstraint(
            "used_count >= 0 AND (usage_limit IS NULL OR used_count <= usage_limit)",
            name="used_within_limit",
        ),
        CheckConstraint("usage_limit IS NULL OR usage_limit >= 0", name="usage_limit_non_negative"),
        CheckConstraint("per_user_limit IS NULL OR per_user_limit >= 1", name="per_user_limit_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[Decimal] = mapped_column(Money)
    min_order_amount: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    usage_limit: Mapped[int | None]
    per_user_limit: Mapped[int | None]
    used_count: Mapped[int] = mapped_column(default=0)
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @staticmethod
    def normalize_code(code: str) -> str:
        return code.strip().upper()

    def describe(self) -> str:
        if self.kind == PERCENT:
            return f"{self.value.normalize():f}% off"
        return f"{self.value} off"


# Codes match ignoring case, so they must be unique ignoring case.
Index("uq_coupons_code_upper", func.upper(Coupon.code), unique=True)
