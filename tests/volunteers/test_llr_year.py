"""The LLR volunteers' year 2023/24 (shared/docs/domain.md) built through the API, and its annual
report page read back: 18 volunteers at the start, 16 at the end, two leavers (maternity leave after
a year, a conflict of interest after eight, both with exit interviews), 15 recruits in checks, home
areas 38 % Leicester, 62 % Leicestershire, none from Rutland, and 69 % with over five years' service."""

import re
from datetime import date

from django.test import Client

from tests.factories import PASSWORD
from visits.models import User

USERS, VOLUNTEERS = "/api/v1/users/", "/api/v1/volunteers/"


def person(client, scheme, name, **fields):
    answer = client.post(USERS, {"scheme": scheme.pk, "username": name, "password": PASSWORD, "role": "visitor",
                                 "first_name": name.title(), "last_name": "Llr", "email": f"{name}@example.org",
                                 **fields}, format="json")
    assert answer.status_code == 201, answer.content
    return answer.json()["id"]


def cells(page: str, table: str) -> dict[str, list[str]]:
    """The rows of one table of the page, first cell -> the others, as text."""
    body = re.search(rf'<table id="{table}">(.*?)</table>', page, re.S).group(1)
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        texts = [re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        rows[texts[0]] = texts[1:]
    return rows


def test_the_llr_year_rebuilt_through_the_api_reads_back_from_the_annual_report(api, alice, scheme):
    manager = api(alice)
    for slug, name in (("leicester", "Leicester"), ("leicestershire", "Leicestershire"), ("rutland", "Rutland")):
        assert manager.post("/api/v1/home-areas/", {"slug": slug, "name": name}, format="json").status_code == 201
    # Sixteen who stay: eleven with over five years' service by 31 March 2024 (several over twenty), five newer.
    joined = [date(2001, 5, 1), date(2003, 9, 1), *[date(2008 + n, 6, 1) for n in range(9)],
              *[date(2019 + n % 4, 10, 1) for n in range(5)]]
    stay = [person(manager, scheme, f"v{n:02d}", joined_on=day.isoformat()) for n, day in enumerate(joined)]
    maternity = person(manager, scheme, "maternity", joined_on="2022-06-01")
    conflict = person(manager, scheme, "conflict", joined_on="2015-09-01")
    for pk, left, reason in ((maternity, "2023-07-31", "parental_leave"), (conflict, "2023-11-30", "conflict_of_interest")):
        answer = manager.patch(f"{VOLUNTEERS}{pk}/", {"state": "left", "left_on": left, "leaving_reason": reason,
                                                       "exit_interview_held": True}, format="json")
        assert answer.status_code == 200, answer.content
    for n in range(15):  # the recruitment campaign's, to be trained by September 2024
        pk = person(manager, scheme, f"recruit{n:02d}")
        assert manager.patch(f"{VOLUNTEERS}{pk}/", {"state": "in_checks"}, format="json").status_code == 200
    # Each volunteer answers for themselves: 6 from the city, 10 from the county.
    for n, pk in enumerate(stay):
        mine = api(User.objects.get(pk=pk))
        area = "leicester" if n % 8 < 3 else "leicestershire"
        assert mine.put("/api/v1/users/me/profile/", {"home_area": area, "gender": ("female", "male")[n % 2]},
                        format="json").status_code == 200
    for held_on in ("2023-06-07", "2023-09-12", "2023-12-13", "2024-04-16"):
        assert manager.post("/api/v1/meetings/", {"held_on": held_on, "title": "Quarterly team meeting",
                                                  "duration_hours": "2", "format": "hybrid"},
                            format="json").status_code == 201

    desk = Client()
    desk.force_login(alice)
    page = desk.get(f"/reports/annual/{scheme.pk}/2023/").content.decode()

    figures = cells(page, "volunteer-figures")
    assert figures["Volunteers at the start of the year"] == ["18"]
    assert figures["Volunteers at the end of the year"] == ["16"]
    assert figures["Left"] == ["2"]
    assert figures["Recruits in pre-employment checks (now)"] == ["15"]
    assert figures["Length of service: 5 years or more"] == ["11 (69% of members at year end)"]
    assert cells(page, "leavers") == {"Reason": ["Years of service", "Exit interview"],
                                      "Maternity or parental leave": ["1", "Held"],
                                      "Conflict of interest": ["8", "Held"]}
    areas = cells(page, "cohort-home_area")
    assert (areas["Leicester"], areas["Leicestershire"], areas["Rutland"]) == (["6", "38%", "–"], ["10", "62%", "–"],
                                                                               ["0", "0%", "–"])
    meetings = cells(page, "team-meetings")
    assert list(meetings)[1:] == ["7 June 2023", "12 September 2023", "13 December 2023"]
    assert meetings["7 June 2023"][1] == "Hybrid (in person and online)"
