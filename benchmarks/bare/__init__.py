"""The anchor: a bare Django REST framework create endpoint of a one-field model, served under the
same gunicorn settings and JWT (checked without a database read) as the service."""
