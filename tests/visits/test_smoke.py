from datetime import UTC, datetime

from tests.factories import custody_visit


def test_a_factory_visit_lands_in_its_local_cell(suite, bob, bella):
    visit = custody_visit(site=suite, sender=bob, visitors=[bob, bella],
                          arrived_at=datetime(2024, 7, 6, 23, 40, tzinfo=UTC))
    assert visit.timeslot == {"day": "sunday", "band": "00:00-07:59"}
