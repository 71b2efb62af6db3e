"""Who may do what, generated over every path of the published schema × every method × every role
(anonymous; a visitor, the visitor's partner on a report, a manager, a custody inspector, an analyst
and a superuser; and the visitor, manager, custody inspector and analyst of another scheme), against
one scheme's real objects. Each case expects "ok" (past authorisation: 2xx, or 400/409 for an empty
body) or the exact refusal: 401 signed out, 403 a role the endpoint is not for, 404 an object or
scheme the caller may not see (never 403), 405 a method the path does not have."""

from datetime import UTC, date, datetime

import pytest
import yaml
from django.conf import settings
from rest_framework.test import APIClient

from publication.services import release_publish
from reporting.services import export_job_create, export_job_run
from rota.models import Assignment, Seat
from rota.services import availability_save
from scheduling.services import recommendation_refresh
from tests.factories import SchemeFactory, SiteFactory, UserFactory, animal_visit, custody_visit
from tests.openapi import CheckedClient
from visits.models import IssueCategory, Notification, Role, SiteKind, TrainingCourse, VisitIssue
from volunteers.models import Attendance, HomeArea, Meeting

SCHEMA = yaml.safe_load((settings.BASE_DIR / "api_schema" / "openapi.yaml").read_text())
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
OWN = ["visitor", "partner", "manager", "custody", "analyst"]
OTHER = ["other_visitor", "other_manager", "other_custody", "other_analyst"]
ROLES = ["anonymous", *OWN, "superuser", *OTHER]
OK = "ok"
REFUSALS = {401, 403, 404, 405}
REFUSED = "refused: 403, 404 or 405"


def answers(ok=(), forbidden=(), hidden=(), anonymous=401):
    """Every role's expected answer: `ok` roles pass, `forbidden` get 403, `hidden` get 404."""
    table = {"anonymous": anonymous}
    for role in ROLES[1:]:
        table[role] = OK if role in ok else 403 if role in forbidden else 404 if role in hidden else None
    missing = [role for role, answer in table.items() if answer is None]
    assert not missing, f"no expectation for {missing}"
    return table


SIGNED_IN = ROLES[1:]
EVERYONE = answers(ok=SIGNED_IN, anonymous=OK)
MEMBERS_AND_ANALYST = [*OWN, "superuser"]  # those who read the scheme itself
OBJECT_READ = answers(ok=MEMBERS_AND_ANALYST, hidden=OTHER)
MANAGER_WRITES_OBJECT = answers(ok=["manager", "superuser"], forbidden=["visitor", "partner", "custody", "analyst"],
                                hidden=OTHER)
MANAGERS_CREATE = answers(ok=["manager", "superuser", "other_manager"],
                          forbidden=[r for r in SIGNED_IN if r not in ("manager", "superuser", "other_manager")])
SCHEDULING = answers(ok=["visitor", "partner", "manager", "superuser"],
                     hidden=["custody", "analyst", *OTHER])
KPI = answers(ok=["manager", "analyst", "superuser"], forbidden=["visitor", "partner", "custody"], hidden=OTHER)
EXPORT_OWNER = answers(ok=["manager"], hidden=[r for r in SIGNED_IN if r != "manager"])
VISIT_READ = answers(ok=["visitor", "partner", "manager", "custody", "superuser"], hidden=["analyst", *OTHER])
# The report is submitted, so locked to its visitors: only a manager corrects it.
VISIT_WRITE = answers(ok=["manager", "superuser"], forbidden=["visitor", "partner", "custody"],
                      hidden=["analyst", *OTHER])
REPORTERS = answers(ok=["visitor", "partner", "manager", "custody", "superuser", "other_visitor", "other_manager",
                        "other_custody"], forbidden=["analyst", "other_analyst"])
SUBMITTERS = answers(ok=["visitor", "partner", "manager", "superuser", "other_visitor", "other_manager"],
                     forbidden=["custody", "analyst", "other_custody", "other_analyst"])
# The role decides first here: only a manager (or for a response, custody staff) of the issue's
# scheme gets as far as the issue.
ISSUE_MANAGER = answers(ok=["manager", "superuser"], hidden=["other_manager"],
                        forbidden=["visitor", "partner", "custody", "analyst", "other_visitor", "other_custody",
                                   "other_analyst"])
NOTIFICATIONS = answers(ok=["manager", "superuser"], hidden=[r for r in ROLES[1:] if r not in ("manager", "superuser")])
# A role with no grant sees no release at all, as no user account: 404.
MANAGER_READS_OBJECT = answers(ok=["manager", "superuser"], hidden=["visitor", "partner", "custody", "analyst", *OTHER])
# The volunteer register: meetings' dates are the custody inspector's too; attendance is personal.
MEETING_READ = answers(ok=["visitor", "partner", "manager", "custody", "superuser"], hidden=["analyst", *OTHER])
MEETING_WRITE = answers(ok=["manager", "superuser"], forbidden=["visitor", "partner", "custody"],
                        hidden=["analyst", *OTHER])
VOLUNTEERS_AND_MANAGERS = ["visitor", "partner", "manager", "superuser", "other_visitor", "other_manager"]
OWN_PROFILE = answers(ok=["visitor", "partner", "superuser", "other_visitor"],
                      forbidden=[r for r in SIGNED_IN if r not in ("visitor", "partner", "superuser", "other_visitor")])
POPULATION = answers(ok=["manager", "superuser", "other_manager"],
                     forbidden=[r for r in SIGNED_IN if r not in ("manager", "superuser", "other_manager")])
USER_OBJECT = answers(ok=["manager", "superuser"], hidden=["visitor", "partner", "custody", "analyst", *OTHER])
# The register: a visitor reads their own record (the object is the visitor's), no one else's; custody
# staff and analysts learn of no one's.
NO_REGISTER = ["custody", "analyst", "other_custody", "other_analyst"]
REGISTER_LIST = answers(ok=["visitor", "partner", "manager", "superuser", "other_visitor", "other_manager"],
                        hidden=NO_REGISTER)
RECORD_READ = answers(ok=["visitor", "manager", "superuser"], hidden=["partner", "custody", "analyst", *OTHER])
RECORD_WRITE = answers(ok=["manager", "superuser"], forbidden=["visitor"],
                       hidden=["partner", "custody", "analyst", *OTHER])
COURSE_WRITE = answers(ok=["manager", "superuser"], forbidden=["visitor", "partner"],
                       hidden=["custody", "analyst", *OTHER])
ROTA_LIST = answers(ok=["visitor", "partner", "manager", "superuser", "other_visitor", "other_manager"],
                    hidden=["custody", "analyst", "other_custody", "other_analyst"])
OWN_AVAILABILITY = answers(ok=["visitor", "manager", "superuser"], hidden=["partner", "custody", "analyst", *OTHER])
ON_THE_VISIT = answers(ok=["visitor", "partner", "manager", "superuser"], hidden=["custody", "analyst", *OTHER])

# What each operation of the schema answers; a method a path lacks answers 405 (401 signed out).
EXPECTED = {
    ("/api/v1/auth/token/", "POST"): EVERYONE,
    ("/api/v1/auth/token/refresh/", "POST"): EVERYONE,
    ("/api/v1/auth/logout/", "POST"): EVERYONE,
    ("/api/v1/health/", "GET"): EVERYONE,
    ("/api/v1/schemes/", "GET"): answers(ok=SIGNED_IN),
    ("/api/v1/schemes/", "POST"): answers(ok=["superuser"], forbidden=[r for r in SIGNED_IN if r != "superuser"]),
    ("/api/v1/schemes/{id}/", "GET"): OBJECT_READ,
    ("/api/v1/schemes/{id}/", "PUT"): MANAGER_WRITES_OBJECT,
    ("/api/v1/schemes/{id}/", "PATCH"): MANAGER_WRITES_OBJECT,
    ("/api/v1/sites/", "GET"): answers(ok=SIGNED_IN),
    ("/api/v1/sites/", "POST"): MANAGERS_CREATE,
    ("/api/v1/sites/{id}/", "GET"): OBJECT_READ,
    ("/api/v1/sites/{id}/", "PUT"): MANAGER_WRITES_OBJECT,
    ("/api/v1/sites/{id}/", "PATCH"): MANAGER_WRITES_OBJECT,
    ("/api/v1/users/", "GET"): MANAGERS_CREATE,
    ("/api/v1/users/", "POST"): MANAGERS_CREATE,
    ("/api/v1/users/{id}/", "GET"): USER_OBJECT,
    ("/api/v1/users/{id}/", "PUT"): USER_OBJECT,
    ("/api/v1/users/{id}/", "PATCH"): USER_OBJECT,
    ("/api/v1/users/me/", "GET"): answers(ok=SIGNED_IN),
    ("/api/v1/users/me/", "PATCH"): answers(ok=SIGNED_IN),
    ("/api/v1/users/partners/", "GET"): answers(
        ok=["visitor", "partner", "manager", "superuser", "other_visitor", "other_manager"],
        forbidden=["custody", "analyst", "other_custody", "other_analyst"]),
    ("/api/v1/issue-categories/", "GET"): answers(ok=SIGNED_IN),
    ("/api/v1/issue-categories/", "POST"): MANAGERS_CREATE,
    ("/api/v1/issue-categories/{id}/", "GET"): OBJECT_READ,
    ("/api/v1/issue-categories/{id}/", "PUT"): MANAGER_WRITES_OBJECT,
    ("/api/v1/issue-categories/{id}/", "PATCH"): MANAGER_WRITES_OBJECT,
    ("/api/v1/visits/", "GET"): REPORTERS,
    ("/api/v1/visits/", "POST"): SUBMITTERS,
    ("/api/v1/visits/{id}/", "GET"): VISIT_READ,
    ("/api/v1/visits/{id}/", "PUT"): VISIT_WRITE,
    ("/api/v1/visits/{id}/", "PATCH"): VISIT_WRITE,
    ("/api/v1/animal-visits/", "GET"): REPORTERS,
    ("/api/v1/animal-visits/", "POST"): SUBMITTERS,
    ("/api/v1/animal-visits/{id}/", "GET"): VISIT_READ,
    ("/api/v1/animal-visits/{id}/", "PUT"): VISIT_WRITE,
    ("/api/v1/animal-visits/{id}/", "PATCH"): VISIT_WRITE,
    # The role decides before the report is looked up: only a manager of the report's scheme gets further.
    ("/api/v1/visits/{id}/concern/handled/", "POST"): answers(
        ok=["manager", "superuser"], hidden=["other_manager"],
        forbidden=["visitor", "partner", "custody", "analyst", "other_visitor", "other_custody", "other_analyst"]),
    ("/api/v1/visits/{id}/tact-report/", "GET"): answers(
        ok=["manager", "superuser"], hidden=["other_manager"],
        forbidden=["visitor", "partner", "custody", "analyst", "other_visitor", "other_custody", "other_analyst"]),
    ("/api/v1/issues/", "GET"): answers(
        ok=["manager", "custody", "superuser", "other_manager", "other_custody"],
        forbidden=["visitor", "partner", "analyst", "other_visitor", "other_analyst"]),
    ("/api/v1/issues/{id}/", "GET"): answers(ok=["manager", "custody", "superuser"],
                                             hidden=["visitor", "partner", "analyst", *OTHER]),
    ("/api/v1/issues/{id}/response/", "POST"): answers(
        ok=["manager", "custody", "superuser"], hidden=["other_manager", "other_custody"],
        forbidden=["visitor", "partner", "analyst", "other_visitor", "other_analyst"]),
    ("/api/v1/notifications/", "GET"): answers(
        ok=["manager", "superuser", "other_manager"],
        forbidden=["visitor", "partner", "custody", "analyst", "other_visitor", "other_custody", "other_analyst"]),
    ("/api/v1/notifications/{id}/", "GET"): NOTIFICATIONS,
    ("/api/v1/issues/{id}/close/", "POST"): ISSUE_MANAGER,
    ("/api/v1/issues/{id}/reopen/", "POST"): ISSUE_MANAGER,
    ("/api/v1/issues/trends/", "GET"): answers(
        ok=["manager", "custody", "superuser", "other_manager", "other_custody"],
        forbidden=["visitor", "partner", "analyst", "other_visitor", "other_analyst"]),
    ("/api/v1/coverage/", "GET"): SCHEDULING,
    ("/api/v1/coverage/heatmap.svg", "GET"): SCHEDULING,
    ("/api/v1/recommendations/", "GET"): SCHEDULING,
    # A visitor may refresh no site at all, so its 403 says nothing about another scheme's site.
    ("/api/v1/recommendations/refresh/", "POST"): answers(
        ok=["manager", "superuser"], forbidden=["visitor", "partner", "other_visitor"],
        hidden=["custody", "analyst", "other_manager", "other_custody", "other_analyst"]),
    # The rota: secret from custody staff and analysts (404 everywhere); a visitor sees only their own rows
    # (the partner is on the visit too, not on the visitor's availability).
    ("/api/v1/availability/", "GET"): ROTA_LIST,
    ("/api/v1/availability/", "POST"): ROTA_LIST,
    ("/api/v1/availability/{id}/", "GET"): OWN_AVAILABILITY,
    ("/api/v1/availability/{id}/", "PUT"): OWN_AVAILABILITY,
    ("/api/v1/availability/{id}/", "PATCH"): OWN_AVAILABILITY,
    ("/api/v1/rota/", "GET"): ROTA_LIST,
    ("/api/v1/rota/{id}/", "GET"): ON_THE_VISIT,
    # The manager is not one of the pair: the service refuses (400), past authorisation.
    ("/api/v1/rota/{id}/accept/", "POST"): ON_THE_VISIT,
    ("/api/v1/rota/{id}/decline/", "POST"): ON_THE_VISIT,
    ("/api/v1/rota/{id}/reassign/", "POST"): answers(
        ok=["manager", "superuser"], forbidden=["visitor", "partner", "other_visitor"],
        hidden=["custody", "analyst", "other_manager", "other_custody", "other_analyst"]),
    ("/api/v1/kpis/", "GET"): KPI,
    ("/api/v1/kpis/export/", "GET"): KPI,
    ("/api/v1/kpis/exports/{id}/", "GET"): EXPORT_OWNER,
    ("/api/v1/kpis/exports/{id}/download/", "GET"): EXPORT_OWNER,
    ("/api/v1/volunteers/", "GET"): REGISTER_LIST,
    ("/api/v1/volunteers/{id}/", "GET"): RECORD_READ,
    ("/api/v1/volunteers/{id}/", "PUT"): RECORD_WRITE,
    ("/api/v1/volunteers/{id}/", "PATCH"): RECORD_WRITE,
    ("/api/v1/volunteers/{id}/training/", "GET"): RECORD_READ,
    ("/api/v1/volunteers/{id}/training/", "POST"): RECORD_WRITE,
    ("/api/v1/training-courses/", "GET"): answers(
        ok=["visitor", "partner", "manager", "superuser", "other_visitor", "other_manager"], forbidden=NO_REGISTER),
    ("/api/v1/training-courses/", "POST"): MANAGERS_CREATE,
    ("/api/v1/training-courses/{id}/", "GET"): answers(ok=["visitor", "partner", "manager", "superuser"],
                                                       hidden=["custody", "analyst", *OTHER]),
    ("/api/v1/training-courses/{id}/", "PUT"): COURSE_WRITE,
    ("/api/v1/training-courses/{id}/", "PATCH"): COURSE_WRITE,
    # Publishing is a manager's; everyone else reads the public page (/public/<slug>/), not the API.
    ("/api/v1/releases/", "GET"): MANAGERS_CREATE,
    ("/api/v1/releases/", "POST"): MANAGERS_CREATE,
    ("/api/v1/releases/{id}/", "GET"): MANAGER_READS_OBJECT,
    ("/api/v1/meetings/", "GET"): answers(
        ok=["visitor", "partner", "manager", "custody", "superuser", "other_visitor", "other_manager", "other_custody"],
        forbidden=["analyst", "other_analyst"]),
    ("/api/v1/meetings/", "POST"): MANAGERS_CREATE,
    ("/api/v1/meetings/{id}/", "GET"): MEETING_READ,
    ("/api/v1/meetings/{id}/", "PUT"): MEETING_WRITE,
    ("/api/v1/meetings/{id}/", "PATCH"): MEETING_WRITE,
    # A visitor reads only their own row; custody staff read the meeting but never who attended.
    ("/api/v1/meetings/{id}/attendance/", "GET"): answers(
        ok=["visitor", "partner", "manager", "superuser"], forbidden=["custody"], hidden=["analyst", *OTHER]),
    ("/api/v1/meetings/{id}/attendance/", "PUT"): MEETING_WRITE,
    ("/api/v1/home-areas/", "GET"): answers(
        ok=VOLUNTEERS_AND_MANAGERS, forbidden=[r for r in SIGNED_IN if r not in VOLUNTEERS_AND_MANAGERS]),
    ("/api/v1/home-areas/", "POST"): MANAGERS_CREATE,
    ("/api/v1/home-areas/{id}/", "GET"): answers(ok=["visitor", "partner", "manager", "superuser"],
                                                 hidden=["custody", "analyst", *OTHER]),
    ("/api/v1/home-areas/{id}/", "PUT"): answers(ok=["manager", "superuser"], forbidden=["visitor", "partner"],
                                                 hidden=["custody", "analyst", *OTHER]),
    ("/api/v1/home-areas/{id}/", "PATCH"): answers(ok=["manager", "superuser"], forbidden=["visitor", "partner"],
                                                   hidden=["custody", "analyst", *OTHER]),
    ("/api/v1/users/me/profile/", "GET"): OWN_PROFILE,
    ("/api/v1/users/me/profile/", "PUT"): OWN_PROFILE,
    ("/api/v1/users/me/profile/", "PATCH"): OWN_PROFILE,
    # Aggregates only (small groups suppressed) but to managers; never to the force's staff.
    ("/api/v1/cohort/", "GET"): answers(ok=["visitor", "partner", "manager", "analyst", "superuser"],
                                        forbidden=["custody", "other_custody"],
                                        hidden=["other_visitor", "other_manager", "other_analyst"]),
    ("/api/v1/cohort/population/", "GET"): POPULATION,
    ("/api/v1/cohort/population/", "PUT"): POPULATION,
}
PUBLIC = {path for (path, _), table in EXPECTED.items() if table is EVERYONE}


def expected(path: str, method: str) -> dict:
    """A method the path lacks is refused to everyone: 401 signed out (405 on a public path), and
    405, or the 403 or 404 of a role that may not use the path at all, signed in."""
    if method.lower() in SCHEMA["paths"][path]:
        return EXPECTED[(path, method)]
    return {role: 405 if path in PUBLIC else 401 if role == "anonymous" else REFUSED for role in ROLES}


@pytest.fixture
def world(db):
    """Northshire's objects, which every case addresses, and a person of each role on both sides."""
    north, south = SchemeFactory(name="Northshire"), SchemeFactory(name="Southshire")
    suite = SiteFactory(scheme=north, name="Central")
    dog_unit = SiteFactory(scheme=north, name="Dog unit", kind=SiteKind.ANIMAL_UNIT, cells=0)
    people = {
        "visitor": UserFactory(role=Role.VISITOR, scheme=north),
        "partner": UserFactory(role=Role.VISITOR, scheme=north, tact_trained=True),
        "manager": UserFactory(role=Role.MANAGER, scheme=north),
        "custody": UserFactory(role=Role.CUSTODY, scheme=north),
        "analyst": UserFactory(role=Role.ANALYST, scheme=None, schemes=[north]),
        "superuser": UserFactory(role="", scheme=None, is_superuser=True, is_staff=True),
        "other_visitor": UserFactory(role=Role.VISITOR, scheme=south),
        "other_manager": UserFactory(role=Role.MANAGER, scheme=south),
        "other_custody": UserFactory(role=Role.CUSTODY, scheme=south),
        "other_analyst": UserFactory(role=Role.ANALYST, scheme=None, schemes=[south]),
    }
    pair = [people["visitor"], people["partner"]]
    arrived = datetime(2024, 7, 1, 21, 0, tzinfo=UTC)
    # A TACT visit (its partner trained for it), so that its TACT report exists too.
    report = custody_visit(site=suite, sender=pair[0], visitors=pair, arrived_at=arrived, tact=True, issues=[
        {"category": "food-and-drink", "description": "No hot drink offered.", "resolved_during_visit": False}])
    animal = animal_visit(site=dog_unit, sender=pair[0], visitors=pair, arrived_at=arrived)
    recommendation_refresh(site=suite, date_from=arrived.date(), date_to=arrived.date(), request_key="matrix")
    availability, _ = availability_save(visitor=people["visitor"], day=date(2027, 1, 1), cells=[], leave=[],
                                        by_email=False)
    assignment = Assignment.objects.create(scheme=north, site=suite, date=date(2099, 1, 5), band="08:00-11:59",
                                           window_from=date(2099, 1, 5), window_to=date(2099, 1, 11))
    Seat.objects.bulk_create([Seat(assignment=assignment, visitor=people[p]) for p in ("visitor", "partner")])
    job = export_job_create(owner=people["manager"], schemes=[north], fy=2024, quarter=1, format="csv")
    export_job_run(job_id=job.pk)
    release = release_publish(scheme=north, fy=2024, quarter=1, user=people["manager"])
    meeting = Meeting.objects.create(scheme=north, held_on=date(2024, 6, 7), title="Quarterly team meeting")
    Attendance.objects.create(meeting=meeting, volunteer=people["visitor"])
    area = HomeArea.objects.create(scheme=north, slug="city", name="City")
    ids = {
        "/api/v1/schemes/": north.pk, "/api/v1/sites/": suite.pk, "/api/v1/users/": people["visitor"].pk,
        "/api/v1/issue-categories/": IssueCategory.objects.filter(scheme=north).first().pk, "/api/v1/visits/": report.pk,
        "/api/v1/animal-visits/": animal.pk, "/api/v1/issues/": VisitIssue.objects.get(custody_visit=report).pk,
        "/api/v1/kpis/exports/": job.pk, "/api/v1/notifications/": Notification.objects.get().pk,
        "/api/v1/volunteers/": people["visitor"].pk,
        "/api/v1/training-courses/": TrainingCourse.objects.filter(scheme=north).first().pk,
        "/api/v1/releases/": release.pk,
        "/api/v1/meetings/": meeting.pk, "/api/v1/home-areas/": area.pk,
        "/api/v1/availability/": availability.pk, "/api/v1/rota/": assignment.pk,
    }
    queries = {
        "/api/v1/coverage/": {"site": suite.pk}, "/api/v1/coverage/heatmap.svg": {"site": suite.pk},
        "/api/v1/recommendations/": {"site": suite.pk}, "/api/v1/kpis/": {"scheme": north.pk},
        "/api/v1/kpis/export/": {"scheme": north.pk, "fy": 2024, "format": "json"},
        "/api/v1/recommendations/refresh/": {"site": suite.pk}, "/api/v1/cohort/": {"scheme": north.pk},
    }
    return people, ids, queries


def concrete(path: str, ids: dict) -> str:
    for prefix, pk in ids.items():
        if path.startswith(prefix + "{id}/"):
            return path.replace("{id}", str(pk))
    assert "{" not in path, f"no object for {path}"
    return path


def answer(response) -> str | int:
    if response.status_code in REFUSALS:
        return response.status_code
    assert response.status_code < 500, response.content[:300]
    return OK


def test_every_operation_of_the_schema_has_a_row():
    operations = {(path, method.upper()) for path, ops in SCHEMA["paths"].items() for method in ops
                  if method.upper() in METHODS}
    assert operations == set(EXPECTED)


CASES = [(path, method) for path in SCHEMA["paths"] for method in METHODS]


@pytest.mark.parametrize(("path", "method"), CASES)
def test_each_role_gets_exactly_the_answer_it_should(world, path, method, tasks_in_process):
    people, ids, queries = world
    url = concrete(path, ids)
    documented = method.lower() in SCHEMA["paths"][path]
    wrong = []
    for role, want in expected(path, method).items():
        # Answers to documented operations are checked against the schema too.
        client = CheckedClient() if documented else APIClient()
        if role != "anonymous":
            client.force_authenticate(people[role])
        query = queries.get(path, {})
        if method == "GET":
            response = client.get(url, query, HTTP_ACCEPT="*/*" if path.endswith(".svg") else "application/json")
        else:  # the query's fields as the body, or an empty one: authorisation comes before validation
            response = getattr(client, method.lower())(url, query, format="json")
        got = answer(response)
        if got != want and not (want == REFUSED and got in (403, 404, 405)):
            wrong.append(f"{role}: {got}, expected {want} ({response.status_code} {response.content[:120]!r})")
    assert not wrong, f"{method} {path}\n" + "\n".join(wrong)

