from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("availability", views.AvailabilityViewSet, basename="availability")
router.register("rota", views.RotaViewSet, basename="rota")

urlpatterns = [
    path("rota/<int:pk>/accept/", views.AcceptView.as_view(), name="rota-accept"),
    path("rota/<int:pk>/decline/", views.DeclineView.as_view(), name="rota-decline"),
    path("rota/<int:pk>/reassign/", views.ReassignView.as_view(), name="rota-reassign"),
    *router.urls,
]
