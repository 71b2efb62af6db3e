"""The anchors: a bare Django REST framework create endpoint of a one-field model, and a bare DRF GET
running the service's own coverage SQL, served under the same gunicorn settings and JWT (checked
without a database read) as the service."""
