"""The people page: the communications lead invites colleagues and sets their roles."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecast.core import people
from carecast.core.models import Person
from carecast.rights import may_change_settings, person_passes
from carecast.web.team_forms import InvitationForm, PersonForm, RoleForm


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_messages)
    else:
        form.add_error(None, error)


@person_passes(may_change_settings)
def people_list(request):
    everyone = (
        Person.objects.filter(organisation_id=request.person.organisation_id)
        .select_related("user", "department")
        .order_by("-user__is_active", "user__first_name", "user__username")
    )
    rows = [(p, people.status_of(p)) for p in everyone]
    return render(request, "web/people/list.html", {"rows": rows, "nav": "team"})


@person_passes(may_change_settings)
def person_new(request):
    organisation = request.person.organisation
    form = PersonForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in ("name", "email", "username", "role")}
        fields["department"] = form.cleaned_data["department"]
        try:
            if form.cleaned_data["access"] == "password":
                person, password = people.add_with_password(organisation, request.user, **fields)
                return _password_once(request, person, password)
            person, _invitation = people.invite(
                organisation, request.user, _link_builder(organisation), **fields
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": person.user.email},
            )
            return redirect("web:people")
    return render(request, "web/people/new.html", {"form": form, "nav": "team"})


def _password_once(request, person, password: str):
    response = render(
        request,
        "web/people/password_once.html",
        {"shown": person, "password": password, "nav": "team"},
    )
    # Shown once means once: not kept by the browser's cache or the back button.
    patch_cache_control(response, no_store=True, private=True)
    return response


def _link_builder(organisation):
    base = organisation.public_url.rstrip("/")
    return lambda token: base + reverse("web:invitation", args=[token])


@person_passes(may_change_settings)
def person_edit(request, person_id: int):
    shown = get_object_or_404(
        Person.objects.select_related("user", "department"),
        pk=person_id,
        organisation_id=request.person.organisation_id,
    )
    initial = {"role": shown.role, "department": shown.department}
    form = RoleForm(request.POST or None, initial=initial, organisation=shown.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            people.change_role(
                shown, request.user, form.cleaned_data["role"], form.cleaned_data["department"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Role of %(name)s saved.") % {"name": shown})
            return redirect("web:people")
    context = {"shown": shown, "status": people.status_of(shown), "form": form, "nav": "team"}
    return render(request, "web/people/edit.html", context)


@require_POST
@person_passes(may_change_settings)
def person_active(request, person_id: int):
    shown = get_object_or_404(Person, pk=person_id, organisation_id=request.person.organisation_id)
    active = request.POST.get("active") == "1"
    try:
        people.set_active(shown, request.user, active)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("web:person_edit", person_id=shown.pk)
    done = _("%(name)s can sign in again.") if active else _("%(name)s can no longer sign in.")
    messages.success(request, done % {"name": shown})
    return redirect("web:people")


@require_POST
@person_passes(may_change_settings)
def person_reinvite(request, person_id: int):
    shown = get_object_or_404(
        Person.objects.select_related("user", "organisation"),
        pk=person_id,
        organisation_id=request.person.organisation_id,
    )
    try:
        people.reinvite(shown, request.user, _link_builder(shown.organisation))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("web:person_edit", person_id=shown.pk)
    messages.success(request, _("Invitation sent to %(email)s.") % {"email": shown.user.email})
    return redirect("web:people")


def invitation(request, token: str):
    """The page behind the link in the invitation e-mail: choose a password, once."""
    invite = people.open_invitation(token)
    if invite is None:
        return render(request, "web/people/invitation_invalid.html", status=410)
    form = InvitationForm(request.POST or None, user=invite.person.user)
    if request.method == "POST" and form.is_valid():
        try:
            people.accept_invitation(invite, form.cleaned_data["password1"])
        except ValidationError:
            return render(request, "web/people/invitation_invalid.html", status=410)
        messages.success(request, _("Your password is set. Please sign in."))
        return redirect("login")
    context = {"form": form, "invited": invite.person}
    return render(request, "web/people/invitation.html", context)
