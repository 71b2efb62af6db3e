"""Who may open a desk page. A page not meant for the role answers 404, as the API does for
coverage and plans: custody staff must not even learn that those pages exist."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404


def desk_for(*roles):
    def decorate(view):
        @login_required
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if request.user.role not in roles:
                raise Http404("No such page for your role.")
            return view(request, *args, **kwargs)
        return guarded
    return decorate
