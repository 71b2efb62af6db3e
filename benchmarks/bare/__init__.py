"""The anchors: a bare Django REST framework create endpoint of a one-field model, a bare DRF GET
running the service's own coverage SQL and a bare Django view answering a fixed text, served under the same gunicorn settings and JWT (checked
without a database read) as the service."""
