"""The demo (`bash scripts/demo`) can be started again whatever was changed in it."""

from io import StringIO

from django.core.management import call_command

from visits.models import Scheme, User


def test_the_demo_starts_again_after_its_manager_renamed_the_scheme(db, api):
    call_command("seed_demo", stdout=StringIO())
    manager = User.objects.get(username="manager")
    response = api(manager).patch(f"/api/v1/schemes/{manager.scheme_id}/", {"name": "Demoshire ICV"}, format="json")
    assert response.status_code == 200
    users = User.objects.count()

    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert "already loaded" in out.getvalue()
    assert list(Scheme.objects.values_list("name", flat=True)) == ["Demoshire ICV"]
    assert User.objects.count() == users
