"""Who may see and do what, declared once.

`POLICY` is a table of resource × role: what the role may do with it (read, write) and over which
rows (its scope). The API's views take their roles from it (`roles`), the desk's pages their
guard (`web.access.desk_for`), and the selectors their rows (`scope_q`). A resource a role has no
row for is refused: 403 on the API, unless the resource is `secret`, when the role learns nothing,
not even that it exists (404), as custody staff must not of plans and coverage.

A new resource adds its rows here, and its expected answers to tests/test_authorisation_matrix.py.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q, QuerySet

from .models import ReportStatus, Role, User


class Scope(StrEnum):
    SCHEME = "scheme"  # the rows of the user's own scheme
    GRANTED = "granted"  # the rows of the schemes granted to an analyst
    OWN_SITES = "own_sites"  # submitted rows of the sites a custody user answers for (all, when attached to none)
    OWN_REPORTS = "own_reports"  # a visitor's own drafts and the submitted reports they are on
    SELF = "self"  # the user's own account, or the rows that are theirs (their availability, their visits)


READ, WRITE = "read", "write"


@dataclass(frozen=True)
class Grant:
    scope: Scope
    read: bool = True
    write: bool = False


@dataclass(frozen=True)
class Resource:
    grants: dict[str, Grant]
    # Roles without a grant get 404, not 403: the resource's very existence is kept from them.
    secret: bool = False


def _grant(scope: Scope, *, write: bool = False, read: bool = True) -> Grant:
    return Grant(scope=scope, read=read, write=write)


M, V, C, A = Role.MANAGER, Role.VISITOR, Role.CUSTODY, Role.ANALYST

POLICY: dict[str, Resource] = {
    "schemes": Resource({M: _grant(Scope.SCHEME, write=True), V: _grant(Scope.SCHEME), C: _grant(Scope.SCHEME),
                         A: _grant(Scope.GRANTED)}),
    "sites": Resource({M: _grant(Scope.SCHEME, write=True), V: _grant(Scope.SCHEME), C: _grant(Scope.SCHEME),
                       A: _grant(Scope.GRANTED)}),
    "users": Resource({M: _grant(Scope.SCHEME, write=True)}),
    "partners": Resource({M: _grant(Scope.SCHEME), V: _grant(Scope.SCHEME)}),
    "me": Resource({role: _grant(Scope.SELF) for role in Role}),
    "issue_categories": Resource({M: _grant(Scope.SCHEME, write=True), V: _grant(Scope.SCHEME),
                                  C: _grant(Scope.SCHEME), A: _grant(Scope.GRANTED)}),
    "reports": Resource({M: _grant(Scope.SCHEME, write=True), V: _grant(Scope.OWN_REPORTS, write=True),
                         C: _grant(Scope.OWN_SITES)}),
    "concerns": Resource({M: _grant(Scope.SCHEME, read=False, write=True)}),  # marking one handled
    # Changing a submitted report, or someone else's draft (a visitor edits only their own draft).
    "corrections": Resource({M: _grant(Scope.SCHEME, read=False, write=True)}),
    # New schemes: no role's; superusers only.
    "scheme_creation": Resource({}),
    "tact_reports": Resource({M: _grant(Scope.SCHEME)}),
    "issues": Resource({M: _grant(Scope.SCHEME), C: _grant(Scope.OWN_SITES)}),
    "issue_responses": Resource({M: _grant(Scope.SCHEME, read=False, write=True),
                                 C: _grant(Scope.OWN_SITES, read=False, write=True)}),
    # Close and reopen; who decides an issue also records a response the force gave by telephone.
    "issue_decisions": Resource({M: _grant(Scope.SCHEME, read=False, write=True)}),
    "issue_trends": Resource({M: _grant(Scope.SCHEME), C: _grant(Scope.OWN_SITES)}),
    "notifications": Resource({M: _grant(Scope.SCHEME)}),
    # The volunteer register: a visitor reads their own record; custody staff and analysts learn of no one's.
    "volunteers": Resource({M: _grant(Scope.SCHEME, write=True), V: _grant(Scope.SELF)}, secret=True),
    "training_courses": Resource({M: _grant(Scope.SCHEME, write=True), V: _grant(Scope.SCHEME)}),
    "coverage": Resource({M: _grant(Scope.SCHEME, write=True), V: _grant(Scope.SCHEME)}, secret=True),
    "kpis": Resource({M: _grant(Scope.SCHEME), A: _grant(Scope.GRANTED)}),
    # Publishing the scheme's public statistics; everyone, signed in or not, reads the public page.
    "releases": Resource({M: _grant(Scope.SCHEME, write=True)}),
    # The volunteer register's features (volunteers app). Meeting dates are no secret of the force's
    # (its custody inspector often attends), but who attended is personal: managers and the volunteer only.
    "meetings": Resource({M: _grant(Scope.SCHEME, write=True), V: _grant(Scope.SCHEME), C: _grant(Scope.SCHEME)}),
    "meeting_attendance": Resource({M: _grant(Scope.SCHEME, write=True), V: _grant(Scope.SELF)}),
    "home_areas": Resource({M: _grant(Scope.SCHEME, write=True), V: _grant(Scope.SCHEME)}),
    # A volunteer's own self-declared answers; the cohort's aggregates (small groups suppressed but
    # to managers); the area's population, entered by the managers.
    "profile": Resource({V: _grant(Scope.SELF, write=True)}),
    "cohort": Resource({M: _grant(Scope.SCHEME), V: _grant(Scope.SCHEME), A: _grant(Scope.GRANTED)}),
    "population": Resource({M: _grant(Scope.SCHEME, write=True)}),
    # The rota: a visitor sees and answers only what they are on (SELF: their own rows); the force never
    # learns a rota exists.
    "rota": Resource({M: _grant(Scope.SCHEME, write=True), V: _grant(Scope.SELF, write=True)}, secret=True),
    "rota_reassign": Resource({M: _grant(Scope.SCHEME, read=False, write=True)}, secret=True),
    "availability": Resource({M: _grant(Scope.SCHEME, write=True), V: _grant(Scope.SELF, write=True)}, secret=True),
    # The desk's pages, one resource per role's desk; a page not meant for the role is a 404.
    "desk_manager": Resource({M: _grant(Scope.SCHEME, write=True)}, secret=True),
    "desk_custody": Resource({C: _grant(Scope.OWN_SITES, write=True)}, secret=True),
    "desk_analyst": Resource({A: _grant(Scope.GRANTED)}, secret=True),
}


def roles(resource: str, action: str = READ) -> tuple[str, ...]:
    """The roles that may do `action` to the resource, for a view's read_roles / write_roles."""
    grants = POLICY[resource].grants
    return tuple(role for role, grant in grants.items() if getattr(grant, action))


def grant(user: User, resource: str) -> Grant | None:
    return POLICY[resource].grants.get(user.role)


def allows(user: User, resource: str, action: str = READ) -> bool:
    if user.is_superuser:
        return True
    found = grant(user, resource)
    return found is not None and getattr(found, action)


def is_hidden_from(user: User, resource: str) -> bool:
    """The resource is secret and the user has no grant for it: they get 404, as if it did not exist."""
    return not user.is_superuser and POLICY[resource].secret and grant(user, resource) is None


def scope_q(user: User, resource: str, *, scheme: str = "scheme_id", site: str = "site_id",
            reports_on: Callable[[User], QuerySet] | None = None, creator: str = "created_by_id",
            status: str | None = None) -> Q | None:
    """The rows of a resource the user may see, as a filter over the given columns; None: every row
    (a superuser). A role without a grant sees none. `status` names a report's status column, so
    only submitted reports reach custody staff and a visitor's partners; `reports_on` gives the ids
    of the reports a visitor is named on."""
    if user.is_superuser:
        return None
    found = grant(user, resource)
    if found is None:
        return Q(pk__in=[])
    if found.scope == Scope.GRANTED:
        return Q(**{f"{scheme}__in": user.schemes.values("pk")})
    if user.scheme_id is None:
        return Q(pk__in=[])
    own_scheme = Q(**{scheme: user.scheme_id})
    if found.scope == Scope.SCHEME:
        return own_scheme
    submitted = Q(**{status: ReportStatus.SUBMITTED}) if status else Q()
    if found.scope == Scope.OWN_SITES:
        sites = list(user.sites.values_list("pk", flat=True))
        return own_scheme & submitted & (Q(**{f"{site}__in": sites}) if sites else Q())
    if found.scope == Scope.OWN_REPORTS:
        assert reports_on is not None, "a visitor's reports are found by the reports they are on"
        return own_scheme & (Q(**{creator: user.pk}) | (Q(pk__in=reports_on(user)) & submitted))
    return Q(pk=user.pk)
