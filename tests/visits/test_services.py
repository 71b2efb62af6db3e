"""The report services called directly, as the API, the desk and the tasks call them: no HTTP."""

import uuid
from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from visits import services
from visits.models import CustodyVisit, ReportCorrection, ReportStatus

ARRIVED = datetime(2024, 2, 6, 21, 40, tzinfo=UTC)


def report_data(suite, visitors, **fields) -> dict:
    return {
        "client_uuid": uuid.uuid4(), "site": suite.pk, "visitors": [v.pk for v in visitors],
        "arrived_at": ARRIVED, "admitted_at": ARRIVED.replace(minute=43), "left_at": ARRIVED.replace(hour=23),
        "detainees_present": 2, "detainees_offered": 2, "detainees_seen": 2, "status": "submitted", "issues": [],
        **fields,
    }


def test_a_report_is_stored_once_and_its_retry_gives_it_back(suite, bob, bella):
    data = report_data(suite, [bob, bella])
    report, created = services.report_submit(model=CustodyVisit, sender=bob, data=data)
    again, created_again = services.report_submit(model=CustodyVisit, sender=bob, data=dict(data))
    assert (created, created_again) == (True, False)
    assert again.pk == report.pk and CustodyVisit.objects.count() == 1


def test_the_same_key_with_other_content_is_a_conflict(suite, bob, bella):
    data = report_data(suite, [bob, bella])
    services.report_submit(model=CustodyVisit, sender=bob, data=data)
    with pytest.raises(services.DuplicateConflict):
        services.report_submit(model=CustodyVisit, sender=bob, data={**data, "comments": "Other"})


def test_a_broken_rule_stores_nothing_and_names_the_field(suite, bob, bella):
    with pytest.raises(ValidationError) as refused:
        services.report_submit(model=CustodyVisit, sender=bob, data=report_data(suite, [bob, bella],
                                                                                 detainees_seen=1))
    assert "detainees_offered" in refused.value.message_dict
    assert not CustodyVisit.objects.exists()


def test_a_correction_with_an_incomplete_issue_is_refused_and_leaves_no_trace(suite, alice, bob, bella):
    report, _ = services.report_submit(model=CustodyVisit, sender=bob, data=report_data(suite, [bob, bella]))
    with pytest.raises(ValidationError) as refused:
        services.report_update(report=report, editor=alice, changes={"issues": [{"description": "x"}]})
    assert refused.value.message_dict == {"issues": ["Issue 1: give its category."]}
    assert not ReportCorrection.objects.exists()


def test_a_managers_correction_is_recorded_and_a_visitor_may_not_make_one(suite, alice, bob, bella):
    report, _ = services.report_submit(model=CustodyVisit, sender=bob, data=report_data(suite, [bob, bella]))
    with pytest.raises(services.ReportLocked):
        services.report_update(report=report, editor=bob, changes={"comments": "Mine"})
    services.report_update(report=report, editor=alice, changes={"comments": "Checked"}, reason="Typo")
    correction = ReportCorrection.objects.get()
    assert (correction.corrected_by, correction.reason, correction.changes) == (
        alice, "Typo", {"comments": {"from": "", "to": "Checked"}})
    report.refresh_from_db()
    assert (report.comments, report.status) == ("Checked", ReportStatus.SUBMITTED)
