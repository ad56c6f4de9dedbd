"""Sign-in with the directory (start, callback) and the lead's group → role page."""

from __future__ import annotations

from django import forms
from django.conf import settings as django_settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from carecast.core.models import Department, Role
from carecast.directory import config, service
from carecast.directory.models import GroupRole
from carecast.rights import may_change_settings, person_passes


def _settings():
    found = config.load()
    if found is None:
        raise Http404
    return found


def _refused(request, message: str):
    return render(request, "directory/refused.html", {"message": message}, status=403)


@never_cache
def start(request):
    settings = _settings()
    try:
        started = service.start(settings, request.build_absolute_uri(reverse("directory:callback")))
    except service.SignInRefused as error:
        return _refused(request, str(error))
    wanted = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
        started.state["next"] = wanted
    request.session[service.SESSION_KEY] = started.state
    return redirect(started.url)


@never_cache
def callback(request):
    settings = _settings()
    kept = request.session.pop(service.SESSION_KEY, None)
    try:
        signed_in = service.finish(settings, kept, request.GET.dict())
        person = service.person_for(settings, signed_in.claims)
    except service.SignInRefused as error:
        return _refused(request, str(error))
    backend = django_settings.AUTHENTICATION_BACKENDS[-1]
    login(request, person.user, backend=backend)
    request.session[service.ID_TOKEN_KEY] = signed_in.id_token
    return redirect((kept or {}).get("next") or "/")


class LogoutView(auth_views.LogoutView):
    """Signs out of carecast and, after a sign-in with the directory, out of the directory
    too; the directory then sends the browser back to carecast's login page."""

    def post(self, request, *args, **kwargs):
        id_token = request.session.get(service.ID_TOKEN_KEY)
        response = super().post(request, *args, **kwargs)
        settings = config.load()
        if id_token and settings is not None:
            back = request.build_absolute_uri(reverse("login"))
            url = service.end_session_url(settings, id_token, back)
            if url:
                return redirect(url)
        return response


class MappingForm(forms.Form):
    group = forms.CharField(label=gettext_lazy("Directory group"), max_length=200)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices, initial=Role.VIEWER)
    department = forms.ModelChoiceField(
        label=gettext_lazy("Department (for department editors)"),
        queryset=Department.objects.none(),
        required=False,
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            organisation=organisation, archived=False
        )

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.DEPARTMENT_EDITOR and not data.get("department"):
            self.add_error("department", gettext_lazy("Department editors need a department."))
        return data


@never_cache
@person_passes(may_change_settings)
def mapping(request):
    org = request.person.organisation
    form = MappingForm(request.POST or None, organisation=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        service.save_mapping(
            org, request.user, data["group"].strip(), data["role"], data["department"]
        )
        return redirect("directory:mapping")
    context = {
        "form": form,
        "mappings": list(GroupRole.objects.filter(organisation=org).select_related("department")),
        "directory": config.load(),
        "nav": "team",
    }
    return render(request, "directory/mapping.html", context, status=400 if form.errors else 200)


@require_POST
@person_passes(may_change_settings)
def mapping_delete(request, mapping_id: int):
    found = get_object_or_404(GroupRole, organisation=request.person.organisation, pk=mapping_id)
    service.delete_mapping(found, request.user)
    return redirect("directory:mapping")
