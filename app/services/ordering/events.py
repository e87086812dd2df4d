"""What the ordering domain announces, for other parts (emails, payments) to act on.

Each signal is sent after the commit that made it true, never inside the transaction,
so a listener never acts on an order that rolled back.
"""

from blinker import Namespace

ordering = Namespace()

# Sent with the app as sender and `order=` the Order just placed and committed (not for a repeat
# of an Idempotency-Key, which places nothing). Receivers are connected in create_app.
order_placed = ordering.signal("order-placed")
