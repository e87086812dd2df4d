"""gunicorn's settings for the web process (read by `gunicorn -c gunicorn.conf.py wsgi:app`).

Only the request limits are set here; bind address and workers stay on the command
line. The app refuses anything over its own, lower limits first (a URL over 4,096
bytes, a header over 4,096 bytes, more than 50 headers: app/blueprints/api/auth.py),
so an API client gets the API's JSON error, never gunicorn's plain-text page.
See docs/production.md.
"""

# The longest request line gunicorn reads ("GET <url> HTTP/1.1"): its maximum, 8,190 bytes.
limit_request_line = 8190
# At most 100 header fields of at most 8,190 bytes each (gunicorn's defaults, stated on purpose).
limit_request_fields = 100
limit_request_field_size = 8190
