from django.apps import AppConfig


class PhoneConfig(AppConfig):
    """The volunteers' phone app: a client of the public API, served at /app/. It imports nothing from the
    other apps: everything it knows of the service comes through /api/v1/, as any phone client's would."""

    name = "phone"
    verbose_name = "Phone app"
