from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from backend.auth import LogoutView, TokenRefreshingView, TokenView
from backend.views import HealthView
from visits import register_api, views

router = DefaultRouter()
router.register("schemes", views.SchemeViewSet, basename="scheme")
router.register("sites", views.SiteViewSet, basename="site")
router.register("users", views.UserViewSet, basename="user")
router.register("visits", views.CustodyVisitViewSet, basename="visit")
router.register("animal-visits", views.AnimalVisitViewSet, basename="animal-visit")
router.register("issue-categories", views.CategoryViewSet, basename="issue-category")
router.register("issues", views.IssueViewSet, basename="issue")
router.register("notifications", views.NotificationViewSet, basename="notification")
router.register("volunteers", register_api.VolunteerViewSet, basename="volunteer")
router.register("training-courses", register_api.TrainingCourseViewSet, basename="training-course")

api = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("auth/token/refresh/", TokenRefreshingView.as_view(), name="token-refresh"),
    path("auth/logout/", LogoutView.as_view(), name="logout"),
    path("health/", HealthView.as_view(), name="health"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Its start-up script is served as a file, not inline, for the Content-Security-Policy.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api_docs.html"), name="docs"),
    path("visits/<int:pk>/concern/handled/", views.ConcernHandledView.as_view(), name="visit-concern-handled"),
    path("visits/<int:pk>/tact-report/", views.TactReportView.as_view(), name="visit-tact-report"),
    path("issues/trends/", views.IssueTrendsView.as_view(), name="issue-trends"),
    path("issues/<int:pk>/response/", views.IssueResponseView.as_view(), name="issue-response"),
    path("issues/<int:pk>/close/", views.IssueCloseView.as_view(), name="issue-close"),
    path("issues/<int:pk>/reopen/", views.IssueReopenView.as_view(), name="issue-reopen"),
    path("", include("scheduling.urls")),
    path("", include("rota.urls")),
    path("", include("reporting.urls")),
    path("", include("publication.urls")),
    path("", include("volunteers.urls")),
    path("", include(router.urls)),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api)),
    path("app/", include("phone.urls")),
    path("", include("reporting.page_urls")),
    path("", include("publication.page_urls")),
    path("", include("web.urls")),
]

handler400 = "api.http_errors.bad_request"
handler403 = "api.http_errors.permission_denied"
handler404 = "api.http_errors.page_not_found"
handler500 = "api.http_errors.server_error"
