from django.urls import path

from . import pages

urlpatterns = [
    path("public/<slug:slug>/", pages.scheme_page, name="public-scheme"),
    path("public/<slug:slug>/cy/", pages.scheme_page, {"lang": "cy"}, name="public-scheme-cy"),
    path("public/<slug:slug>/releases/<int:pk>/", pages.release_page, name="public-release"),
    path("public/<slug:slug>/cy/releases/<int:pk>/", pages.release_page, {"lang": "cy"}, name="public-release-cy"),
    path("public/<slug:slug>/releases/<int:pk>.csv", pages.release_csv, name="public-release-csv"),
    path("public/<slug:slug>/releases/<int:pk>.json", pages.release_json, name="public-release-json"),
    path("public/<slug:slug>/releases.json", pages.release_index, name="public-releases"),
    path("public/<slug:slug>/feed.atom", pages.feed, name="public-feed"),
]
