from django.urls import path

from . import views

urlpatterns = [
    path("kpis/", views.KpiView.as_view(), name="kpis"),
    path("kpis/export/", views.KpiExportView.as_view(), name="kpi-export"),
    path("kpis/exports/<uuid:pk>/", views.ExportJobView.as_view(), name="kpi-export-job"),
    path("kpis/exports/<uuid:pk>/download/", views.ExportDownloadView.as_view(), name="kpi-export-download"),
]
