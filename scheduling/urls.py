from django.urls import path

from . import views

urlpatterns = [
    path("coverage/", views.CoverageView.as_view(), name="coverage"),
    path("coverage/heatmap.svg", views.HeatmapView.as_view(), name="coverage-heatmap"),
    path("recommendations/", views.RecommendationView.as_view(), name="recommendations"),
    path("recommendations/refresh/", views.RecommendationRefreshView.as_view(), name="recommendations-refresh"),
]
