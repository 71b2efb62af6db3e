from django.urls import path

from . import views

app_name = "phone"
urlpatterns = [
    path("", views.shell, name="shell"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    # Served from /app/ (not /static/) so that its scope is /app/ without a Service-Worker-Allowed header.
    path("sw.js", views.service_worker, name="service-worker"),
]
