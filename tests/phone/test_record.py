"""The phone's "My record": the register's dates and training, the next team meeting, the volunteer's
attendance, and their own answers for the cohort saved through the API; at 390 px, axe clean, a
screenshot in var/screenshots/phone/."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser import assert_accessible, assert_no_horizontal_scroll, screenshot
from tests.phone.conftest import sign_in
from visits.models import TrainingCourse
from visits.services.register import training_record_add
from volunteers.models import Attendance, HomeArea, Meeting, Profile

pytestmark = pytest.mark.services


def test_a_volunteer_sees_their_next_meeting_and_saves_their_answers(phone, scheme, suite, bob):
    today = timezone.localdate()
    HomeArea.objects.create(scheme=scheme, slug="leicester", name="Leicester")
    HomeArea.objects.create(scheme=scheme, slug="rutland", name="Rutland")
    past = Meeting.objects.create(scheme=scheme, held_on=today - timedelta(days=90), title="Summer meeting")
    Attendance.objects.create(meeting=past, volunteer=bob)
    Meeting.objects.create(scheme=scheme, held_on=today + timedelta(days=20), title="Autumn meeting", format="hybrid")
    bob.term_starts_on, bob.term_ends_on = today - timedelta(days=400), today + timedelta(days=700)
    bob.vetting_cleared_on, bob.vetting_expires_on = today - timedelta(days=400), today + timedelta(days=300)
    bob.save()
    training_record_add(volunteer=bob, course=TrainingCourse.objects.get(scheme=scheme, key="refresher"),
                        completed_on=today - timedelta(days=30), by=None)

    page = phone()
    sign_in(page, bob)
    page.get_by_role("link", name="My record").click()
    page.get_by_role("heading", name="My record", exact=True).wait_for()
    page.get_by_label("Gender").wait_for()
    page.get_by_text("Refresher").wait_for()
    text = page.locator("main").inner_text()
    assert "Stage\nAppointed" in text and "Vetting expires\n" in text and "Valid until" in text
    assert "Autumn meeting (in person and online)" in text
    assert "You attended 1 meeting in the last twelve months." in text

    page.get_by_label("Gender").select_option(label="Female")
    page.get_by_label("Age").select_option(label="50 to 64")
    page.get_by_label("Ethnic group").select_option(label="Prefer not to say")
    page.get_by_label("Where you live").select_option(label="Leicester")
    page.get_by_role("button", name="Save my answers").click()
    page.get_by_text("Your answers are saved.").wait_for()
    profile = Profile.objects.get(user=bob)
    assert (profile.gender, profile.age_band, profile.ethnic_group, profile.home_area.slug) == (
        "female", "50-64", "prefer_not_to_say", "leicester")

    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    screenshot(page, "phone/my-record-light")

    page.reload()  # read back from the service
    page.get_by_label("Gender").wait_for()
    assert page.get_by_label("Where you live").input_value() == "leicester"
