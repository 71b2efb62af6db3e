"""Every e-mail goes in its recipient's language: the same issue reaches an English-speaking custody
sergeant in English and a Welsh-speaking custody inspector in Welsh, subject, body and dates, through
the outbox (which keeps the words sent) and a real SMTP server."""

from email.header import decode_header, make_header

import pytest
from django.utils import translation

from tests.factories import UserFactory, custody_visit
from tests.helpers import utc
from visits import services
from visits.models import IssueCategory, Language, Notification, NotificationKind, Role, VisitIssue

TUESDAY = utc(2024, 2, 6, 21, 40)


@pytest.fixture
def smtp(settings, smtp_server):
    """Django's SMTP backend pointed at the test server: what the recipient's mail server receives."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", int(smtp_server.env["EMAIL_PORT"])
    return smtp_server


@pytest.fixture
def iwan(scheme):
    """A custody inspector who reads Welsh."""
    return UserFactory(username="iwan", role=Role.CUSTODY, scheme=scheme, email="iwan@heddlu.example",
                       language=Language.WELSH)


def received(smtp) -> dict:
    """What each address received, as (subject, body), after the outbox delivered every row."""
    for pk in Notification.objects.filter(sent_at__isnull=True).values_list("pk", flat=True):
        assert services.notification_deliver(notification_id=pk)
    return {
        # A long subject with Welsh letters comes folded over lines; the body with CRLF line ends.
        message["To"]: (" ".join(str(make_header(decode_header(message["Subject"]))).split()),
                        message.get_payload(decode=True).decode(message.get_content_charset()).replace("\r\n", "\n"))
        for message in smtp.messages
    }


def raise_issue(suite, bob, bella, **fields):
    return custody_visit(site=suite, sender=bob, visitors=[bob, bella], arrived_at=TUESDAY,
                         issues=[{"category": "food-and-drink", "description": "Cold meals in cell 4."}], **fields)


def test_an_issue_reaches_the_sergeant_in_english_and_the_inspector_in_welsh(smtp, suite, bob, bella, carol, iwan):
    raise_issue(suite, bob, bella)
    mail = received(smtp)

    subject, body = mail[carol.email]
    assert subject == "1 issue raised at Central, visit of 6 February 2024"
    assert "raised 1 issue at Central on their visit of Tuesday 6 February 2024" in body
    assert "1. Food and drink" in body and "Respond by 20 February 2024" in body
    assert "Cymraeg" not in body and "mater" not in body

    subject, body = mail[iwan.email]
    assert subject == "Codwyd 1 mater yn Central, ymweliad 6 Chwefror 2024"
    assert "Cododd ymwelwyr annibynnol â'r ddalfa 1 mater yn Central" in body
    assert "dydd Mawrth 6 Chwefror 2024" in body and "February" not in body  # the glossary's day names
    assert "1. Bwyd a diod" in body and "Ymatebwch erbyn 20 Chwefror 2024" in body
    assert "Cold meals in cell 4." in body  # what the visitors wrote stays as written
    assert "Cynllun ymweld annibynnol â'r ddalfa" in body

    # The outbox keeps the words each was sent.
    stored = dict(Notification.objects.values_list("to_email", "subject"))
    assert stored == {carol.email: mail[carol.email][0], iwan.email: mail[iwan.email][0]}


def test_a_category_the_manager_renamed_reads_as_written_in_either_language(smtp, suite, bob, bella, iwan):
    IssueCategory.objects.filter(scheme=suite.scheme, slug="food-and-drink").update(name="Bwyd (Food)")
    raise_issue(suite, bob, bella)
    _, body = received(smtp)[iwan.email]
    assert "1. Bwyd (Food)" in body
    category = IssueCategory.objects.get(scheme=suite.scheme, slug="hygiene")
    with translation.override("cy"):
        assert category.display_name() == "Hylendid a chynhyrchion hylendid benywaidd"
    with translation.override("en-gb"):
        assert category.display_name() == "Hygiene and female hygiene products"


def test_overdue_issues_reach_the_welsh_manager_and_inspector_in_welsh_and_the_sergeant_in_english(
        smtp, suite, alice, bob, bella, carol, iwan):
    services.user_language_set(user=alice, language=Language.WELSH)
    raise_issue(suite, bob, bella)
    received(smtp)  # sent: the issue is referred to the force
    Notification.objects.all().delete()
    smtp.messages.clear()

    assert services.issues_overdue_notify() == 3  # alice's digest, carol's and iwan's reminders
    mail = received(smtp)

    subject, body = mail[alice.email]
    assert subject == "1 mater yn hwyr yn aros am ymateb yr heddlu"
    assert "Northshire: 1 mater yn aros am ymateb yr heddlu ar ôl y dyddiad dyledus" in body
    assert "Bwyd a diod, ymweliad 6 Chwefror 2024, yn ddyledus 20 Chwefror 2024" in body
    assert "wedi'i gyfeirio at yr heddlu, yn aros am ei ymateb" in body  # the issue's state, in Welsh

    subject, body = mail[iwan.email]
    assert subject == "Nodyn atgoffa: 1 mater yn Central wedi mynd heibio'r dyddiad ar gyfer ymateb yr heddlu"
    assert "Cewch eich atgoffa eto ymhen wythnos" in body

    subject, body = mail[carol.email]
    assert subject == "Reminder: 1 issue at Central past the date for the force's response"
    assert "You will be reminded again in a week" in body and "Food and drink (visit of 6 February 2024" in body


def test_a_reopened_issue_reaches_each_of_the_force_in_their_language(smtp, suite, alice, bob, bella, carol, iwan):
    raise_issue(suite, bob, bella)
    received(smtp)
    smtp.messages.clear()
    issue = VisitIssue.objects.get()
    services.issue_respond(issue=issue, by=carol, response="Hot meals now.")
    services.issue_reopen(issue=issue, by=alice, note="Still cold on Friday.")
    mail = received(smtp)
    assert mail[iwan.email][0].startswith("Mater wedi'i ailagor yn Central: ymatebwch erbyn ")
    assert "Nodyn y rheolwr:\n   Still cold on Friday." in mail[iwan.email][1]
    assert mail[carol.email][0].startswith("Issue reopened at Central: please respond by ")


def test_a_concern_of_ill_treatment_reaches_each_manager_in_their_language(smtp, scheme, suite, alice, bob, bella):
    gwen = UserFactory(username="gwen", role=Role.MANAGER, scheme=scheme, language=Language.WELSH)
    raise_issue(suite, bob, bella, concern={"raised": True, "details": "Bruising seen on a detainee's arm."})
    mail = received(smtp)
    concern = dict(Notification.objects.filter(kind=NotificationKind.CONCERN_RAISED).values_list("to_email", "subject"))
    assert concern[alice.email] == mail[alice.email][0] == \
        "URGENT: concern of ill-treatment raised at Central on 6 February 2024"
    assert concern[gwen.email] == mail[gwen.email][0] == \
        "BRYS: pryder am gam-drin wedi'i godi yn Central ar 6 Chwefror 2024"
    assert "Cododd ymwelwyr annibynnol â'r ddalfa bryder" in mail[gwen.email][1]
    assert "Bruising" not in mail[gwen.email][1]  # the details stay behind sign-in
