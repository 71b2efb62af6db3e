"""The managers' weekly reminder of what the volunteer register needs soon: its content, its
recipients (the scheme's managers and never anyone else), its language, and a real worker's run."""

import time
from datetime import date

import pytest
from django.db import connection

from tests.factories import UserFactory
from visits.models import Notification, NotificationKind, Role, Stage, TrainingCourse, TrainingRecord
from volunteers.models import Attendance, Meeting
from volunteers.services import reminders_notify
from volunteers.tasks import reminders_notify as reminders_task

TODAY = date(2024, 3, 4)  # a Monday


@pytest.fixture
def register(scheme, alice, carol, bob, charlie):
    """Northshire: a probation and a vetting ending within 60 days, a term ending and a sixth anniversary
    of service (of a volunteer at no meeting), a volunteer at one meeting of the two asked for whose
    refresher lapses, one at both whose refresher is renewed already, and a probation ending beyond
    the 60 days; Southshire (charlie's) has nothing due."""
    bob.joined_on, bob.probation_ends_on, bob.stage = date(2023, 10, 1), date(2024, 4, 1), Stage.PROBATION
    bob.vetting_expires_on = date(2024, 4, 30)
    bob.save()
    UserFactory(scheme=scheme, role=Role.VISITOR, first_name="Ruth", last_name="Long", joined_on=date(2018, 4, 20),
                term_ends_on=date(2024, 3, 31))
    keen = UserFactory(scheme=scheme, role=Role.VISITOR, first_name="Kim", last_name="Keen", joined_on=date(2015, 9, 1))
    rare = UserFactory(scheme=scheme, role=Role.VISITOR, first_name="Sam", last_name="Rare", joined_on=date(2016, 9, 1))
    refresher = TrainingCourse.objects.get(scheme=scheme, key="refresher")  # valid for 36 months
    TrainingRecord.objects.create(volunteer=rare, course=refresher, completed_on=date(2021, 4, 15),
                                  expires_on=date(2024, 4, 15))
    for completed in (date(2021, 3, 1), date(2024, 2, 1)):  # lapsing, but renewed already
        TrainingRecord.objects.create(volunteer=keen, course=refresher, completed_on=completed,
                                      expires_on=completed.replace(year=completed.year + 3))
    UserFactory(scheme=scheme, role=Role.VISITOR, first_name="Pat", last_name="Later", joined_on=date(2024, 1, 1),
                probation_ends_on=date(2024, 7, 1), stage=Stage.PROBATION)
    for day in (date(2023, 6, 7), date(2023, 9, 12)):
        meeting = Meeting.objects.create(scheme=scheme, held_on=day, title="Team meeting")
        Attendance.objects.create(meeting=meeting, volunteer=keen)
    Attendance.objects.create(meeting=meeting, volunteer=rare)
    welsh = UserFactory(scheme=scheme, role=Role.MANAGER, language="cy", username="gwen")
    return alice, welsh


def test_the_managers_alone_get_what_needs_doing_in_the_next_60_days(register, bob, scheme):
    alice, welsh = register
    assert reminders_notify(today=TODAY) == 2
    notes = {note.to_email: note for note in Notification.objects.filter(kind=NotificationKind.VOLUNTEER_REMINDERS)}
    assert set(notes) == {alice.email, welsh.email}

    body = notes[alice.email].body
    assert notes[alice.email].subject == "7 things to see to in the volunteer register"
    assert f"{bob.get_full_name()}: probation ends on 1 April 2024" in body
    assert f"{bob.get_full_name()}: vetting expires on 30 April 2024" in body
    assert "Ruth Long: term of appointment ends on 31 March 2024" in body
    assert "Sam Rare: Refresher training lapses on 15 April 2024" in body
    assert "Ruth Long: 6 years' service on 20 April 2024" in body
    assert "Ruth Long: at 0 team meetings in the last twelve months, fewer than the 2 the scheme asks" in body
    assert "Sam Rare: at 1 team meeting in the last twelve months" in body
    assert "Kim Keen" not in body and "Pat Later" not in body  # at both; probation ends after the 60 days
    assert "cyfnod prawf" in notes[welsh.email].body and "1 Ebrill 2024" in notes[welsh.email].body

    assert reminders_notify(today=TODAY) == 0  # once a week, however often it runs


@pytest.mark.services
def test_a_real_worker_runs_the_weekly_reminder(worker, scheme, alice, carol, bob):
    bob.probation_ends_on, bob.stage = date.today(), Stage.PROBATION
    bob.save()
    reminders_task.delay()
    deadline = time.monotonic() + 60
    while not Notification.objects.filter(kind=NotificationKind.VOLUNTEER_REMINDERS).exists():
        assert worker.poll() is None, f"the worker stopped:\n{worker.log.read_text()}"
        assert time.monotonic() < deadline, f"no reminder after 60 s:\n{worker.log.read_text()}"
        time.sleep(0.5)
        connection.close()
    [note] = Notification.objects.filter(kind=NotificationKind.VOLUNTEER_REMINDERS)
    assert note.to_email == alice.email and f"{bob.get_full_name()}: probation ends" in note.body
