from django.urls import path

from . import views

urlpatterns = [
    path("releases/", views.ReleaseListView.as_view(), name="releases"),
    path("releases/<int:pk>/", views.ReleaseDetailView.as_view(), name="release"),
]
