from django.urls import path

from . import pages

urlpatterns = [
    path("reports/annual/<int:scheme_id>/<int:fy>/", pages.annual_report, name="annual-report"),
]
