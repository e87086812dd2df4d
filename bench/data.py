"""The benchmark's data, loaded in SQL (generate_series), and the reset before each phase.

Ids are explicit so every phase can name its shoppers by number: shopper `u` is
user `u`, with address `u`, cart `u` and bearer token `token_for(tag, u)`.
Products 1..P are the catalog (every 50th inactive); product P+1 is the flash
sale's product. A shopper's cart is a pure function of `u`, so every phase (and
both ways of measuring it, pgbench and HTTP) starts from the same rows.
"""

import os
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from werkzeug.security import generate_password_hash

ROOT = Path(__file__).resolve().parent.parent

BENCH_PASSWORD = "bench-password"
TABLES_WITH_IDS = (
    "products", "users", "addresses", "carts", "orders", "order_items", "order_events", "outbox_messages",
    "api_tokens", "coupons", "cart_items", "idempotency_keys", "categories", "product_images",
)  # fmt: skip
CATEGORY_NAMES = (
    "Home", "Kitchen", "Garden", "Clothing", "Office", "Travel", "Outdoor", "Bath", "Kids", "Gifts",
)  # fmt: skip
CHILDREN_PER_CATEGORY = 5


@dataclass(frozen=True)
class Volumes:
    products: int = 10_000
    shoppers: int = 20_000  # the pool: every phase's buyers are taken from it, each buys once
    past_orders: int = 100_000

    @property
    def hot_product(self) -> int:
        return self.products + 1

    @property
    def spread(self) -> int:
        # Offsets of a cart's 2nd and 3rd line from its 1st: the three never coincide.
        return self.products // 3 + 1


def token_for(tag: str, user_id: int) -> str:
    """The bearer token of a shopper; only its SHA-256 is in the database, as the app keeps it."""
    return f"bench-{tag}-{user_id:06d}"


def pick_product(volumes: Volumes, seed: str, k: str) -> str:
    """SQL for the k-th line's product of row `seed`: spread over the catalog, never an inactive one."""
    raw = f"(1 + (({seed}) * 7919 + ({k}) * {volumes.spread}) % {volumes.products})"
    return f"(CASE WHEN {raw} % 50 = 0 THEN {raw} - 1 ELSE {raw} END)"


def stock_expression(volumes: Volumes) -> str:
    """Every catalog product's stock at the start of a phase: plenty, so nobody runs short."""
    return f"(CASE WHEN id = {volumes.hot_product} THEN 0 ELSE 1000 + id % 500 END)"


def load(conn: psycopg.Connection, volumes: Volumes, tag: str, password_hash: str) -> None:
    """Catalog, shoppers (address, token, cart), coupons and past orders with their lines."""
    v = volumes
    run = conn.execute
    every_shopper = f"generate_series(1, {v.shoppers}) AS i"
    _load_categories(conn)
    children = len(CATEGORY_NAMES) * CHILDREN_PER_CATEGORY
    run(
        f"""
        INSERT INTO products (id, sku, name, slug, description, price, stock, is_active,
                              created_at, updated_at, category_id)
        SELECT i, 'SKU-' || lpad(i::text, 6, '0'),
               (ARRAY['Blue','Red','Green','Black','White','Oak','Steel','Linen','Wool','Canvas'])[1 + i % 10]
               || ' ' ||
               (ARRAY['Mug','Shirt','Lamp','Chair','Backpack','Notebook','Kettle','Scarf','Blanket','Bottle',
                      'Jacket','Plate','Pillow','Candle','Watch'])[1 + (i / 10) % 15]
               || ' ' || i,
               'product-' || i,
               'A well made everyday item, number ' || i || '. Sturdy, simple and easy to care for.',
               round((1 + (i * 37) % 19900 / 100.0)::numeric, 2),
               0, i % 50 <> 0,
               now() - (i % 700) * interval '1 hour', now(),
               {len(CATEGORY_NAMES)} + 1 + i % {children}
        FROM generate_series(1, {v.products}) AS i
        """
    )
    _load_product_images(conn, v)
    run(
        """
        INSERT INTO products (id, sku, name, slug, description, price, stock, is_active,
                              created_at, updated_at)
        VALUES (%s, 'FLASH-1', 'Flash Sale Headphones', 'flash-sale-headphones',
                'Noise cancelling, one day only.', 49.00, 0, true, now(), now())
        """,
        (v.hot_product,),
    )
    run(f"UPDATE products SET stock = {stock_expression(v)}")
    run(
        f"""
        INSERT INTO users (id, email, password_hash, is_admin, created_at)
        SELECT i, 'shopper' || i || '@bench.test', %s, false, now() - (i %% 900) * interval '1 day'
        FROM generate_series(1, {v.shoppers}) AS i
        """,
        (password_hash,),
    )
    run(
        f"""
        INSERT INTO addresses (id, user_id, full_name, line1, line2, city, postal_code, country, phone,
                               is_default)
        SELECT i, i, 'Shopper ' || i, i || ' High Street', '', 'Springfield', lpad((i % 99999)::text, 5, '0'),
               'US', '', true
        FROM generate_series(1, {v.shoppers}) AS i
        """
    )
    run(
        f"""
        INSERT INTO api_tokens (user_id, token_hash, created_at, expires_at)
        SELECT i, encode(sha256(convert_to('bench-' || %s || '-' || lpad(i::text, 6, '0'), 'UTF8')), 'hex'),
               now(), now() + interval '30 days'
        FROM generate_series(1, {v.shoppers}) AS i
        """,
        (tag,),
    )
    run(f"INSERT INTO carts (id, user_id, updated_at) SELECT i, i, now() FROM {every_shopper}")
    run(
        """
        INSERT INTO coupons (code, kind, value, min_order_amount, usage_limit, per_user_limit, used_count,
                             is_active, created_at)
        VALUES ('WELCOME10', 'percent', 10, 0, NULL, 1, 0, true, now()),
               ('SPRING5', 'fixed', 5, 30, 1000, NULL, 0, true, now()),
               ('OLDSALE', 'percent', 20, 0, NULL, NULL, 0, false, now())
        """
    )
    _load_past_orders(conn, v)
    for table in TABLES_WITH_IDS:
        last_id = f"coalesce((SELECT max(id) FROM {table}), 0)"
        run(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {last_id} + 1, false)")


def _load_categories(conn: psycopg.Connection) -> None:
    """Ten top-level categories (ids 1..10), each with five subcategories (ids 11..60)."""
    for number, name in enumerate(CATEGORY_NAMES, start=1):
        conn.execute(
            "INSERT INTO categories (id, name, slug, parent_id, created_at) VALUES (%s, %s, %s, NULL, now())",
            (number, name, name.lower()),
        )
    conn.execute(
        f"""
        INSERT INTO categories (id, name, slug, parent_id, created_at)
        SELECT {len(CATEGORY_NAMES)} + i, 'Shelf ' || i, 'shelf-' || i,
               1 + (i - 1) / {CHILDREN_PER_CATEGORY}, now()
        FROM generate_series(1, {len(CATEGORY_NAMES) * CHILDREN_PER_CATEGORY}) AS i
        """
    )


def _load_product_images(conn: psycopg.Connection, v: Volumes) -> None:
    """One picture per product, its renditions made (the files need not exist: pages only link them)."""
    renditions = ", ".join(
        f"""json_build_object('width', {w}, 'height', {w * 3 // 4}, 'format', '{f}',
                              'key', 'products/' || i || '/bench-{w}w.{e}')"""
        for w in (240, 480, 960)
        for f, e in (("webp", "webp"), ("jpeg", "jpg"))
    )
    conn.execute(
        f"""
        INSERT INTO product_images (id, product_id, position, alt_text, original_key, width, height, status,
                                    renditions, attempts, created_at)
        SELECT i, i, 0, 'Photo of product ' || i, 'products/' || i || '/bench.jpg', 1200, 900, 'ready',
               json_build_array({renditions}), 1, now()
        FROM generate_series(1, {v.products}) AS i
        """
    )


def _load_past_orders(conn: psycopg.Connection, v: Volumes) -> None:
    """Past orders spread over the shoppers and the last year, 1 to 3 lines each, mostly delivered."""
    run = conn.execute
    run(
        f"""
        CREATE TEMP TABLE past_lines ON COMMIT DROP AS
        SELECT o AS order_id, p.id AS product_id, p.sku, p.name, p.price AS unit_price,
               1 + (o + k) % 3 AS quantity
        FROM generate_series(1, {v.past_orders}) AS o
        CROSS JOIN LATERAL generate_series(0, o % 3) AS k
        JOIN products p ON p.id = {pick_product(v, "o", "k")}
        """
    )
    run(
        f"""
        INSERT INTO orders (id, number, user_id, status, currency, subtotal, discount, shipping, tax,
                            total_payable, ship_full_name, ship_line1, ship_line2, ship_city,
                            ship_postal_code, ship_country, ship_phone, created_at, updated_at)
        SELECT s.o, 'SO-P' || lpad(s.o::text, 7, '0'), a.user_id,
               CASE s.o % 20 WHEN 0 THEN 'cancelled' WHEN 1 THEN 'pending' WHEN 2 THEN 'paid'
                             WHEN 3 THEN 'shipped' ELSE 'delivered' END,
               'USD', s.subtotal, 0, s.shipping, s.tax, s.subtotal + s.shipping + s.tax,
               a.full_name, a.line1, a.line2, a.city, a.postal_code, a.country, a.phone,
               now() - ({v.past_orders} - s.o) * interval '5 minutes',
               now() - ({v.past_orders} - s.o) * interval '5 minutes'
        FROM (
            SELECT order_id AS o, sum(unit_price * quantity) AS subtotal,
                   CASE WHEN sum(unit_price * quantity) >= 50 THEN 0 ELSE 5 END AS shipping,
                   round(sum(unit_price * quantity) * 0.08, 2) AS tax
            FROM past_lines GROUP BY order_id
        ) AS s
        JOIN addresses a ON a.id = 1 + s.o % {v.shoppers}
        """
    )
    run(
        """
        INSERT INTO order_items (order_id, product_id, sku, name, unit_price, quantity, line_total)
        SELECT order_id, product_id, sku, name, unit_price, quantity, unit_price * quantity
        FROM past_lines ORDER BY order_id
        """
    )
    run(
        """
        INSERT INTO order_events (order_id, actor_id, kind, message, created_at)
        SELECT id, user_id, 'placed', 'Order placed.', created_at FROM orders
        """
    )
    run(
        """
        INSERT INTO outbox_messages (order_id, kind, status, attempts, last_error, created_at, claimed_at,
                                     sent_at)
        SELECT id, 'order_confirmation', 'sent', 1, '', created_at, created_at, created_at FROM orders
        """
    )


def fill_carts(conn: psycopg.Connection, volumes: Volumes, first: int, count: int, *, flash: bool) -> None:
    """Give shoppers first..first+count-1 a 3-line cart (the flash sale's product first when `flash`)."""
    v = volumes
    first_line = str(v.hot_product) if flash else pick_product(v, "u", "0")
    conn.execute(
        f"""
        INSERT INTO cart_items (cart_id, product_id, quantity)
        SELECT u, CASE k WHEN 0 THEN {first_line} ELSE {pick_product(v, "u", "k")} END,
               CASE WHEN k = 0 AND {flash} THEN 1 ELSE 1 + (u + k) % 2 END
        FROM generate_series({int(first)}, {int(first) + int(count) - 1}) AS u
        CROSS JOIN generate_series(0, 2) AS k
        ORDER BY u, k
        """
    )


def reset(url: str, volumes: Volumes, groups: list[tuple[int, int, bool]], *, flash_stock: int = 0) -> None:
    """Put the database back to the loaded state, then fill the carts of this phase's buyers.

    `groups` are (first shopper, count, flash) ranges. Orders made by earlier phases are
    deleted (their lines, events, keys and outbox messages go with them), stock is
    restored, the tables are vacuumed and a checkpoint is taken, so each phase starts equal.
    """
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DELETE FROM orders WHERE id > %s", (volumes.past_orders,))
        conn.execute("TRUNCATE cart_items")
        stock = stock_expression(volumes)
        conn.execute(f"UPDATE products SET stock = {stock} WHERE stock <> {stock}")
        conn.execute("UPDATE products SET stock = %s WHERE id = %s", (flash_stock, volumes.hot_product))
        for first, count, flash in groups:
            fill_carts(conn, volumes, first, count, flash=flash)
        conn.execute("SELECT setval('bench_next_shopper', %s, false)", (groups[0][0],))
        conn.execute(
            "VACUUM (ANALYZE) products, carts, cart_items, orders, order_items, order_events, "
            "outbox_messages, idempotency_keys, api_tokens"
        )
        conn.execute("CHECKPOINT")


def create_shopper_sequence(conn: psycopg.Connection) -> None:
    """pgbench takes each transaction's shopper from this sequence (`nextval ... \\gset`)."""
    conn.execute("CREATE SEQUENCE bench_next_shopper")


def outcome(url: str, volumes: Volumes, product_id: int) -> dict:
    """After a phase: orders placed since the load, how many have a PaymentIntent, the product's stock now."""
    with psycopg.connect(url) as conn:
        orders = conn.execute("SELECT count(*) FROM orders WHERE id > %s", (volumes.past_orders,)).fetchone()[
            0
        ]
        units = conn.execute(
            "SELECT coalesce(sum(quantity), 0) FROM order_items WHERE order_id > %s AND product_id = %s",
            (volumes.past_orders, product_id),
        ).fetchone()[0]
        stock = conn.execute("SELECT stock FROM products WHERE id = %s", (product_id,)).fetchone()[0]
        carts_left = conn.execute("SELECT count(DISTINCT cart_id) FROM cart_items").fetchone()[0]
        with_intent = conn.execute(
            "SELECT count(*) FROM payments WHERE order_id > %s AND intent_id IS NOT NULL",
            (volumes.past_orders,),
        ).fetchone()[0]
        return {
            "orders": orders,
            "units_sold": units,
            "stock": stock,
            "carts_left": carts_left,
            "orders_with_intent": with_intent,
        }


# --- the scratch database


@contextmanager
def scratch_database(server: str, keep: bool):
    name = f"storefront_bench_{os.getpid()}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield name
    finally:
        if keep:
            print(f"kept database {name}")
        else:
            with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def prepare(url: str, volumes: Volumes, tag: str) -> None:
    """Migrate with the app's own command, load the volumes in SQL, then VACUUM ANALYZE."""
    started = time.monotonic()
    env = {**os.environ, "DATABASE_URL": url.replace("postgresql://", "postgresql+psycopg://", 1)}
    subprocess.run(
        [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    with psycopg.connect(url) as conn:
        load(conn, volumes, tag, generate_password_hash(BENCH_PASSWORD))
        create_shopper_sequence(conn)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
        counts = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("products", "users", "orders", "order_items")
        }
    print(
        f"loaded in {time.monotonic() - started:.1f} s: " + ", ".join(f"{n} {t}" for t, n in counts.items())
    )
