"""The fenced module (visits.db) and the two other places that lean on a library's insides (the
API's serializers built once, the JWT user read with the scheme): one test per upgrade risk, so
that a Django, DRF or simplejwt release that changes what they rely on fails here by name."""

from datetime import date

import pytest
from django.db import connection
from django.db.models import Count, F, Max
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from rest_framework import serializers
from rest_framework_simplejwt import authentication as simplejwt
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.tokens import AccessToken

from api.serializers import representation, validated_data
from backend.authentication import JWTAuthentication
from visits.db import STAND_IN, NewRows, compiled_once, execute_together, selected_once, stand_in
from visits.models import IssueCategory, Site, SiteActivityChange, User


def test_new_rows_refer_to_each_other_before_either_is_written(scheme):
    """Django's INSERT compiler, and a model's preparation of a foreign key to a row given its id
    only just now, as bulk_create uses them."""
    rows = NewRows(ids={Site: 1})
    [site] = rows.add([Site(scheme=scheme, name="Riverside")])
    rows.add([SiteActivityChange(site=site, active=False, effective_on=date(2024, 1, 1))])
    rows.write()
    stored = SiteActivityChange.objects.select_related("site").get()
    assert (stored.site.name, stored.site.pk, stored.recorded_at is not None) == ("Riverside", site.pk, True)
    assert site._state.adding is False  # saved rows, as bulk_create leaves them


@pytest.mark.services
def test_on_postgresql_new_rows_go_in_one_statement(scheme, django_assert_num_queries):
    with django_assert_num_queries(2):  # the ids reserved, then one INSERT of both tables
        rows = NewRows(ids={Site: 2})
        sites = rows.add([Site(scheme=scheme, name="A"), Site(scheme=scheme, name="B")])
        rows.add([SiteActivityChange(site=site, active=True, effective_on=date(2024, 1, 1)) for site in sites])
        rows.write()
    assert connection.vendor == "postgresql"
    assert sorted(Site.objects.values_list("name", flat=True)) == ["A", "B"]
    assert SiteActivityChange.objects.count() == 2


@pytest.mark.services
def test_new_rows_of_a_shape_written_before_take_their_own_values(scheme):
    """The INSERT's text is reused for rows of the same shape: its values, auto_now times included,
    are each write's own, prepared as Django's compiler prepares them."""
    written = []
    for name, day in (("First", date(2024, 1, 1)), ("Second", date(2025, 6, 30))):
        rows = NewRows(ids={Site: 1})
        [site] = rows.add([Site(scheme=scheme, name=name)])
        [change] = rows.add([SiteActivityChange(site=site, active=name == "First", effective_on=day)])
        rows.write()
        written.append((site.pk, change.recorded_at))
    stored = list(SiteActivityChange.objects.order_by("id").values_list("site__name", "site_id", "active",
                                                                         "effective_on", "recorded_at"))
    assert stored == [("First", written[0][0], True, date(2024, 1, 1), written[0][1]),
                      ("Second", written[1][0], False, date(2025, 6, 30), written[1][1])]
    assert written[0][1] is not None and written[0][1] <= written[1][1]


def _users_with_scheme(role, scheme_id, least):
    return (User.objects.select_related("scheme").filter(scheme_id=scheme_id, role=role, pk__gte=least)
            .annotate(double=F("id") * 2).order_by("pk"))


@pytest.mark.services
def test_on_postgresql_a_statement_run_again_is_prepared_on_the_server(scheme, settings):
    """psycopg prepares a statement run `prepare_threshold` times on a connection (server-side binding,
    backend/settings.py): the report's INSERTs and the roll-up's upsert are then planned once, not each time."""
    threshold = settings.DATABASES["default"]["OPTIONS"]["prepare_threshold"]
    with connection.cursor() as cursor:
        for _ in range(threshold + 1):
            cursor.execute("SELECT name FROM visits_scheme WHERE id = %s", [scheme.pk])
            assert cursor.fetchone() == (scheme.name,)
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement = %s",
                       ["SELECT name FROM visits_scheme WHERE id = $1"])
        assert cursor.fetchone() == (1,)


def test_a_read_built_once_gives_what_the_queryset_gives(scheme, other_scheme, alice, bob, carol, charlie):
    """Each value in its place, the select_related row hung on its instance (no query to reach it), the
    JSON columns decoded, the annotations set; another value, another answer from the same text."""
    read = selected_once(lambda role: _users_with_scheme(role, stand_in(0), stand_in(1)))
    for scheme_id, role in ((scheme.pk, bob.role), (other_scheme.pk, charlie.role), (scheme.pk, alice.role)):
        expected = list(_users_with_scheme(role, scheme_id, 0).values_list("pk", "username", "scheme__name", "scheme__custody_bands", "double"))
        with CaptureQueriesContext(connection) as queries:
            got = [(u.pk, u.username, u.scheme.name, u.scheme.custody_bands, u.double)
                   for u in read(role, values=[scheme_id, 0])]
        assert got == expected and got and len(queries) == 1
    assert read(bob.role, values=[scheme.pk, 10**9]) == []
    # A left join that finds nothing leaves None, as select_related does (a superuser of no scheme).
    root = User.objects.create(username="root", is_superuser=True, role=bob.role)
    [found] = selected_once(lambda: User.objects.select_related("scheme").filter(pk=stand_in(0)))(values=[root.pk])
    assert found.scheme is None and found.scheme_id is None


def _changes_per_site(scheme_id, since):
    return (SiteActivityChange.objects.filter(site__scheme_id=scheme_id, effective_on__gte=since)
            .values("site_id").annotate(n=Count("id"), last=Max("effective_on")).order_by("site_id"))


def test_a_values_read_built_once_gives_the_querysets_dicts(scheme, suite, other_suite):
    for site, day in ((suite, date(2024, 1, 1)), (suite, date(2024, 3, 1)), (other_suite, date(2024, 2, 1))):
        SiteActivityChange.objects.create(site=site, active=True, effective_on=day)
    read = selected_once(lambda: _changes_per_site(stand_in(0), stand_in(1, date)))
    for scheme_id, since in ((scheme.pk, date(2023, 1, 1)), (scheme.pk, date(2024, 2, 1)),
                             (other_suite.scheme_id, date(2024, 1, 1))):
        assert read(values=[scheme_id, since]) == list(_changes_per_site(scheme_id, since))


def test_a_read_built_once_that_can_match_nothing_reads_nothing(scheme, django_assert_num_queries):
    read = selected_once(lambda count: User.objects.filter(pk__in=[stand_in(n) for n in range(count)]))
    with django_assert_num_queries(0):
        assert read(0, values=[]) == []


def test_a_statement_built_once_takes_each_value(scheme):
    builds = []

    def build(name):
        builds.append(name)
        return [(f"UPDATE {IssueCategory._meta.db_table} SET name = %s WHERE id = %s", (name, STAND_IN))]

    renamed = compiled_once(build)
    first, second, third = (IssueCategory.objects.create(scheme=scheme, slug=f"c{n}", name="Old") for n in range(3))
    execute_together(renamed("Moved", value=first.pk))
    execute_together(renamed("Moved", value=second.pk) + renamed("Kept", value=-1))
    assert builds == ["Moved", "Kept"]
    names = IssueCategory.objects.filter(slug__in=["c0", "c1", "c2"]).order_by("slug").values_list("name", flat=True)
    assert list(names) == ["Moved", "Moved", "Old"]


def outcome(auth, token):
    try:
        return auth.get_user(token).username
    except Exception as refused:  # noqa: BLE001 (whatever it is, it must be the same)
        return type(refused), str(refused)


class Pair(serializers.Serializer):
    name = serializers.CharField(max_length=5)
    count = serializers.IntegerField(min_value=0)


def test_serializer_fields_built_once_give_what_drf_gives():
    """DRF's `fields` is a cached property a serializer may be given; the answers must be DRF's own."""
    assert validated_data(Pair, {"name": "ab", "count": 2}) == {"name": "ab", "count": 2}
    with pytest.raises(serializers.ValidationError) as ours:
        validated_data(Pair, {"name": "abcdefg", "count": -1})
    plain = Pair(data={"name": "abcdefg", "count": -1})
    assert not plain.is_valid()
    assert ours.value.detail == plain.errors
    assert representation(Pair, {"name": "x", "count": 1}) == Pair({"name": "x", "count": 1}).data


def test_the_jwt_user_read_with_the_scheme_answers_as_simplejwts_own(bob, alice):
    """Our get_user is simplejwt's with a select_related, compiled once: every other outcome must stay
    theirs, a user named otherwise than by a number (a token we did not sign) and one who is gone included."""
    translation.activate("en")  # a request of an earlier test may have left Welsh on
    ours, theirs = JWTAuthentication(), simplejwt.JWTAuthentication()
    token = AccessToken.for_user(bob)
    assert ours.get_user(token) == theirs.get_user(token) == bob
    assert ours.get_user(token).scheme.name == bob.scheme.name
    for odd in ("bob", "999999999", str(10**30)):
        token["user_id"] = odd
        assert outcome(ours, token) == outcome(theirs, token) != "bob"
    token["user_id"] = str(bob.pk)
    stale = AccessToken.for_user(alice)
    alice.is_active = False
    alice.save()
    answers = []
    for auth in (ours, theirs):
        with pytest.raises(AuthenticationFailed) as refused:
            auth.get_user(stale)
        answers.append(refused.value.detail)
    assert answers[0] == answers[1] and "inactive" in str(answers[0]["detail"])
    del token["user_id"]
    for auth in (ours, theirs):
        with pytest.raises(InvalidToken):
            auth.get_user(token)
