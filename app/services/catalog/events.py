"""What the catalog announces, for background work to act on (sent after the commit)."""

from blinker import Namespace

catalog = Namespace()

# Sent with the app as sender and `image_ids=`: product images stored and committed that still
# need renditions (a fresh upload, or the periodic relay finding one still pending). Receivers
# are connected in app/tasks.py.
image_uploaded = catalog.signal("image-uploaded")
