"""Factories build the world through the same services the API uses, so stored rows are real."""

import uuid
from datetime import date, datetime, timedelta

import factory

from visits import services
from visits.models import AnimalVisit, CustodyVisit, Role, Site, SiteKind, TrainingCourse, User

PASSWORD = "correct-horse-battery"


class SchemeFactory(factory.Factory):
    class Meta:
        model = dict

    name = factory.Sequence(lambda n: f"Scheme {n}")

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.scheme_create(**kwargs)


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    scheme = factory.SubFactory(SchemeFactory)
    name = factory.Sequence(lambda n: f"Suite {n}")
    kind = SiteKind.CUSTODY_SUITE
    cells = 20
    active = True


class UserFactory(factory.Factory):
    class Meta:
        model = dict

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    role = Role.VISITOR
    scheme = factory.SubFactory(SchemeFactory)

    @classmethod
    def _create(cls, model_class, **kwargs):
        kwargs.setdefault("password", PASSWORD)
        # Trained long ago, so a report dated in the past finds the training valid.
        courses = [key for flag, key in (("tact_trained", "tact"), ("animal_welfare_trained", "animal_welfare"))
                   if kwargs.pop(flag, False)]
        user = services.user_create(**kwargs)
        train(user, *courses)
        return user


def train(user: User, *courses: str, on: date = date(2000, 1, 1)) -> User:
    """Record the courses (keys such as "tact", "animal_welfare") completed by the visitor on a day."""
    for key in courses:
        course = TrainingCourse.objects.get(scheme=user.scheme, key=key)
        services.training_record_add(volunteer=user, course=course, completed_on=on, by=None)
    return user


def _report(model, *, site, sender, visitors=None, arrived_at: datetime, minutes_to_admission=3,
            minutes_on_site=60, **fields):
    visitors = visitors or [sender]
    data = {
        "client_uuid": uuid.uuid4(),
        "site": site.pk,
        "visitors": [v.pk for v in visitors],
        "arrived_at": arrived_at,
        "left_at": arrived_at + timedelta(minutes=minutes_to_admission + minutes_on_site),
        "status": "submitted",
        "issues": [],
        **fields,
    }
    if model is CustodyVisit:
        data.setdefault("admitted_at", arrived_at + timedelta(minutes=minutes_to_admission))
        if minutes_to_admission > site.scheme.immediate_access_minutes:
            data.setdefault("delay_reason", "Suite busy")
    report, _ = services.report_submit(model=model, sender=sender, data=data)
    return report


def custody_visit(**kwargs) -> CustodyVisit:
    """A submitted custody visit; pass detainee counts, issues etc. as report fields."""
    return _report(CustodyVisit, **kwargs)


def animal_visit(**kwargs) -> AnimalVisit:
    kwargs.pop("minutes_to_admission", None)
    return _report(AnimalVisit, minutes_to_admission=0, **kwargs)


def visitor_pair(scheme) -> tuple[User, User]:
    return UserFactory(scheme=scheme), UserFactory(scheme=scheme)
