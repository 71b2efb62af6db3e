from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("home-areas", views.HomeAreaViewSet, basename="home-area")

urlpatterns = [
    path("users/me/profile/", views.ProfileView.as_view(), name="my-profile"),
    path("cohort/", views.CohortView.as_view(), name="cohort"),
    path("cohort/population/", views.PopulationView.as_view(), name="cohort-population"),
    *router.urls,
]
