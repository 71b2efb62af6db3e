"""The kinds of visit report, each one object: its model, the site it goes to, its rules and what it
carries beyond every report. Services, selectors, views and pages ask the kind instead of testing
the model; a third kind (a custody record review, say) is a model, a migration and an entry here."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from .models import COUNT_FIELDS, AnimalVisit, CustodyVisit, Report, SiteKind
from .rules import ANIMAL_RULES, COMMON_RULES, CUSTODY_RULES, NO_CONCERN, NOTHING_CHECKED, Rule


@dataclass(frozen=True)
class ReportKind:
    name: str
    model: type[Report]
    site_kind: str
    # Words for people, translated when shown (lazy: the kinds are made once, at import).
    site_label: str | Promise  # the site it goes to, in a message: "custody suite"
    title: str | Promise  # the report, as a page heads it
    rules: tuple[Rule, ...]
    # Counts a visit refused entry leaves at 0.
    counted: tuple[str, ...]
    # What it says beyond every report, with the value that says nothing.
    extra_defaults: dict
    # Detainees seen, counted by gender, age, ethnicity and vulnerability (SeenProfileCount rows).
    has_seen_profile: bool
    # A concern of ill-treatment, which goes to the managers.
    has_concern: bool
    # Time to admission, with its band, delay and who authorised the delay.
    has_access_delay: bool
    # Sites of this kind are planned a month at a time, not a week.
    planned_monthly: bool

    @property
    def link(self) -> str:
        """The name issues and corrections give their visit of this kind."""
        return self.model.link

    @property
    def visitors_column(self) -> str:
        """The column of the visitors' link table that names the report."""
        return f"{self.model._meta.model_name}_id"

    def __str__(self) -> str:
        return self.name


CUSTODY = ReportKind(
    name="custody", model=CustodyVisit, site_kind=SiteKind.CUSTODY_SUITE, site_label=gettext_lazy("custody suite"),
    title=gettext_lazy("Custody visit"), rules=COMMON_RULES + CUSTODY_RULES,
    counted=(*COUNT_FIELDS, "juveniles_present", "vulnerable_present", "custody_records_examined"),
    extra_defaults={"seen_profile": {}, "concern": NO_CONCERN},
    has_seen_profile=True, has_concern=True, has_access_delay=True, planned_monthly=False,
)
ANIMAL = ReportKind(
    name="animal", model=AnimalVisit, site_kind=SiteKind.ANIMAL_UNIT, site_label=gettext_lazy("animal unit"),
    title=gettext_lazy("Animal welfare visit"), rules=COMMON_RULES + ANIMAL_RULES, counted=("animals_seen",),
    extra_defaults={"welfare_needs": NOTHING_CHECKED},
    has_seen_profile=False, has_concern=False, has_access_delay=False, planned_monthly=True,
)
KINDS = (CUSTODY, ANIMAL)
_BY_MODEL = {kind.model: kind for kind in KINDS}
_BY_SITE_KIND = {kind.site_kind: kind for kind in KINDS}
_BY_NAME = {kind.name: kind for kind in KINDS}


def kind_of(report_or_model) -> ReportKind:
    """The kind of a report, or of a report model."""
    model = report_or_model if isinstance(report_or_model, type) else type(report_or_model)
    return _BY_MODEL[model]


def kind_for_site(site_kind: str) -> ReportKind:
    """The kind of report made at a site of this kind."""
    return _BY_SITE_KIND[site_kind]


def kind_named(name: str) -> ReportKind:
    return _BY_NAME[name]
