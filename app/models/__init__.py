"""All models, importable from one place (Alembic and the app load this)."""

from app.models.accounts import Address, ApiToken, User
from app.models.cart import MAX_QUANTITY, Cart, CartItem
from app.models.catalog import Product, StockAdjustment
from app.models.categories import Category
from app.models.coupons import Coupon
from app.models.images import ProductImage
from app.models.orders import (
    IdempotencyKey,
    Order,
    OrderAccessKey,
    OrderEvent,
    OrderItem,
    OutboxMessage,
)
from app.models.pages import Page
from app.models.payments import Payment, WebhookEvent
from app.models.types import MAX_ID

__all__ = [
    "MAX_ID",
    "MAX_QUANTITY",
    "Address",
    "ApiToken",
    "Cart",
    "CartItem",
    "Category",
    "Coupon",
    "IdempotencyKey",
    "Order",
    "OrderAccessKey",
    "OrderEvent",
    "OrderItem",
    "OutboxMessage",
    "Page",
    "Payment",
    "Product",
    "ProductImage",
    "StockAdjustment",
    "User",
    "WebhookEvent",
]
