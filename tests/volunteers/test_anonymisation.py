"""Storage limitation: a leaver past the scheme's keeping time is anonymised, and the KPIs and the
roll-up are as they were."""

from datetime import date, timedelta

from reporting.selectors import scheme_kpis
from tests.factories import UserFactory, custody_visit
from tests.helpers import utc
from visits.models import Role, User
from visits.periods import Period
from visits.rollup import rollup_differences
from volunteers.models import Profile
from volunteers.services import leavers_anonymise, profile_save


def test_a_leaver_past_the_keeping_time_is_anonymised_and_the_figures_stay(scheme, suite, bob):
    today = scheme.local_today()
    gone = UserFactory(scheme=scheme, role=Role.VISITOR, first_name="Gwen", last_name="Gone",
                       joined_on=date(2010, 5, 1))
    recent = UserFactory(scheme=scheme, role=Role.VISITOR, joined_on=date(2010, 5, 1))
    custody_visit(site=suite, sender=gone, visitors=[gone, bob], arrived_at=utc(2012, 7, 2, 20, 0))
    custody_visit(site=suite, sender=recent, visitors=[recent, bob], arrived_at=utc(2012, 8, 2, 20, 0))
    for person, left in ((gone, today - timedelta(days=6 * 366 + 2)), (recent, today - timedelta(days=5 * 365))):
        profile_save(user=person, fields={"gender": "female"})
        person.left_on = left
        person.save()
    period = Period(date(2012, 4, 1), date(2013, 3, 31))
    before = scheme_kpis(scheme=scheme, period=period)

    assert leavers_anonymise() == 1
    assert leavers_anonymise() == 0

    gone.refresh_from_db()
    assert (gone.first_name, gone.last_name, gone.email, gone.is_active) == ("", "", "", False)
    assert gone.username == f"former-volunteer-{gone.pk}" and not gone.has_usable_password()
    assert not Profile.objects.filter(user=gone).exists()
    assert Profile.objects.filter(user=recent).exists()  # left five years ago: kept
    assert User.objects.get(pk=recent.pk).last_name == recent.last_name
    assert scheme_kpis(scheme=scheme, period=period) == before
    assert before["visits"] == 2 and before["volunteer_hours"] == 4.2
    assert rollup_differences(scheme=scheme) == []
