"""Signing in and each role's start page."""

import math

from django.contrib.auth import views as auth
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from api import throttles
from visits import selectors
from visits.models import Role

from .forms import PasswordChangeForm, SetPasswordForm
from .language import ask_first

START = {Role.MANAGER: "coverage", Role.CUSTODY: "force-issues", Role.ANALYST: "returns"}


@login_required
def start(request):
    """Each role lands on its own first page; visitors are sent to their phone app."""
    user = request.user
    if user.role in START:
        return redirect(f"web:{START[user.role]}")
    if user.role == Role.VISITOR:
        return render(request, "web/visitor.html", {"title": _("Use the phone app")})
    if user.is_staff:
        return redirect("admin:index")
    return render(request, "web/message_page.html", {
        "title": _("No desk pages for this account"),
        "text": _("Your account has no role in a scheme yet. Ask your volunteer manager to set it up."),
    })


@login_required
def issue_link(request, pk: int):
    """Where the e-mails' link to an issue lands: the force's response form for custody staff, the
    report the issue came from for the manager. An issue the user may not see is a 404."""
    issue = get_object_or_404(selectors.issues_visible(request.user), pk=pk)
    if request.user.role == Role.CUSTODY:
        return redirect(reverse("web:force-issues") + f"#issue-{issue.pk}")
    if request.user.role == Role.MANAGER:
        kind = "custody" if issue.custody_visit_id else "animal"
        return redirect(reverse("web:report", args=[kind, issue.custody_visit_id or issue.animal_visit_id])
                        + f"#issue-{issue.pk}")
    return redirect("web:start")


class ThrottledFormMixin:
    """Counts each post against `throttles` before the form sees it; past the limit the page comes
    back with its form empty of the attempt, the wait, and 429."""

    throttles = ()

    def post(self, request, *args, **kwargs):
        wait = throttles.attempt_wait(request, self.throttles)
        if wait is None:
            return super().post(request, *args, **kwargs)
        # An unbound form: binding it would check the password we are refusing to check.
        kwargs = {key: value for key, value in self.get_form_kwargs().items() if key not in ("data", "files")}
        answer = self.render_to_response(self.get_context_data(
            form=self.get_form_class()(**kwargs), too_many=throttles.too_many(wait)))
        answer.status_code = 429
        answer["Retry-After"] = str(math.ceil(wait))
        return answer


class SignInView(ThrottledFormMixin, auth.LoginView):
    template_name = "web/signin.html"
    redirect_authenticated_user = True
    extra_context = {"title": gettext_lazy("Sign in")}
    throttles = throttles.SIGN_IN

    def get_success_url(self):
        return ask_first(self.request.user, super().get_success_url())


class PasswordResetView(ThrottledFormMixin, auth.PasswordResetView):
    throttles = throttles.PASSWORD_RESET


class SignOutView(auth.LogoutView):
    next_page = reverse_lazy("web:signin")


def form_page(view_class, *, title, submit, intro="", **options):
    return view_class.as_view(template_name="web/form_page.html",
                              extra_context={"title": title, "submit": submit, "intro": intro}, **options)


def message_page(view_class, *, title, text, link="", link_text=""):
    return view_class.as_view(template_name="web/message_page.html",
                              extra_context={"title": title, "text": text, "link": link, "link_text": link_text})


password_change = form_page(auth.PasswordChangeView, form_class=PasswordChangeForm, title=gettext_lazy("Change your password"), submit=gettext_lazy("Change password"),
                            success_url=reverse_lazy("web:password_change_done"))
password_change_done = message_page(auth.PasswordChangeDoneView, title=gettext_lazy("Password changed"),
                                    text=gettext_lazy("Your password has been changed."), link="/", link_text=gettext_lazy("Back to your start page"))
password_reset = form_page(
    PasswordResetView, title=gettext_lazy("Reset your password"), submit=gettext_lazy("Send the reset link"),
    intro=gettext_lazy("Give the e-mail address of your account; we send it a link to choose a new password."),
    email_template_name="web/password_reset_email.txt", subject_template_name="web/password_reset_subject.txt",
    success_url=reverse_lazy("web:password_reset_done"),
)
password_reset_done = message_page(
    auth.PasswordResetDoneView, title=gettext_lazy("Check your e-mail"),
    text=gettext_lazy("If an account has that address, a link to choose a new password is on its way."),
    link=reverse_lazy("web:signin"), link_text=gettext_lazy("Back to sign in"),
)
password_reset_confirm = form_page(auth.PasswordResetConfirmView, form_class=SetPasswordForm, title=gettext_lazy("Choose a new password"), submit=gettext_lazy("Set password"),
                                   success_url=reverse_lazy("web:password_reset_complete"))
password_reset_complete = message_page(auth.PasswordResetCompleteView, title=gettext_lazy("Password set"),
                                       text=gettext_lazy("Your new password is set."), link=reverse_lazy("web:signin"),
                                       link_text=gettext_lazy("Sign in"))
