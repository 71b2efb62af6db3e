from django.urls import path

from . import analyst, force, language, manager, meetings, public_statistics, register, rota_week, views

app_name = "web"

urlpatterns = [
    path("", views.start, name="start"),
    path("signin/", views.SignInView.as_view(), name="signin"),
    path("signout/", views.SignOutView.as_view(), name="signout"),
    path("language/", language.language, name="language"),
    path("password/", views.password_change, name="password_change"),
    path("password/changed/", views.password_change_done, name="password_change_done"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/sent/", views.password_reset_done, name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("password/reset/done/", views.password_reset_complete, name="password_reset_complete"),
    # The volunteer manager.
    path("coverage/", manager.coverage, name="coverage"),
    path("coverage/<int:site_id>/", manager.site_coverage, name="site-coverage"),
    path("coverage/<int:site_id>/refresh/", manager.recommendation_refresh, name="recommendation-refresh"),
    path("coverage/<int:site_id>/recommendation.json", manager.recommendation_status, name="recommendation-status"),
    path("recommendations/", manager.recommendations, name="recommendations"),
    path("reports/", manager.reports, name="reports"),
    path("reports/<str:kind>/<int:pk>/", manager.report_detail, name="report"),
    path("reports/<str:kind>/<int:pk>/correct/", manager.report_correct, name="report-correct"),
    path("reports/custody/<int:pk>/concern/", manager.concern_handled, name="concern-handled"),
    path("issues/", manager.issues, name="issues"),
    path("issues/<int:pk>/", views.issue_link, name="issue"),
    path("issues/<int:pk>/<str:action>/", manager.issue_action, name="issue-action"),
    path("kpis/", manager.kpis, name="kpis"),
    path("volunteers/", manager.volunteers, name="volunteers"),
    path("volunteers/<int:pk>/", register.volunteer, name="volunteer"),
    path("publication/", public_statistics.publication, name="publication"),
    path("publication/publish/", public_statistics.publish, name="publication-publish"),
    path("publication/announce/", public_statistics.announce, name="publication-announce"),
    path("publication/announced/<int:pk>/withdraw/", public_statistics.unannounce, name="publication-unannounce"),
    path("meetings/", meetings.meetings, name="meetings"),
    path("meetings/<int:pk>/", meetings.meeting, name="meeting"),
    path("cohort/", meetings.cohort, name="cohort"),
    path("rota/", rota_week.week, name="rota"),
    path("rota/<int:pk>/<str:action>/", rota_week.act, name="rota-action"),
    # The force's custody inspector.
    path("force/", force.issues, name="force-issues"),
    path("force/issues/<int:pk>/respond/", force.respond, name="force-respond"),
    # The ICVA analyst.
    path("returns/", analyst.returns, name="returns"),
]
