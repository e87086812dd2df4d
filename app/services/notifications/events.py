"""What the notifications domain announces, for the tasks side to act on.

Sent after the commit that wrote the messages, never inside the transaction, so a
delivery never looks for a row that rolled back.
"""

from blinker import Namespace

notifications = Namespace()

# Sent with `messages=` the OutboxMessages just written and committed outside a checkout
# (an admin's resend); a checkout's email is announced by ordering's `order_placed`.
emails_owed = notifications.signal("emails-owed")
