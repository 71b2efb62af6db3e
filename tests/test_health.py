import pytest


def test_it_reports_a_healthy_database_without_signing_in(api, db):
    response = api().get("/api/v1/health/")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


@pytest.mark.services
def test_it_reports_the_broker_when_one_is_configured(api, db):
    assert api().get("/api/v1/health/").json()["broker"] == "ok"


def test_it_answers_503_when_the_broker_is_unreachable(api, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = api().get("/api/v1/health/")
    assert response.status_code == 503
    assert response.json()["broker"].startswith("down")
