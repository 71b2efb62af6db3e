"""Who may open a desk page, from the access policy (visits.access). A page not meant for the role
answers 404, as the API does for coverage and plans: custody staff must not even learn that those
pages exist."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from visits import access


def desk_for(resource: str):
    def decorate(view):
        @login_required
        @wraps(view)
        def guarded(request, *args, **kwargs):
            # Superusers too: each desk is built for its role, and the admin is theirs.
            if access.grant(request.user, resource) is None:
                raise Http404("No such page for your role.")
            return view(request, *args, **kwargs)
        return guarded
    return decorate
