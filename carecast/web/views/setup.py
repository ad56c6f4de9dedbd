"""The first start: one page that creates the organisation and its first lead."""

from __future__ import annotations

from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from carecast.core.setup import SetupData, create_organisation, needs_setup
from carecast.web.team_forms import SetupForm


def setup(request):
    """Shown only while no organisation exists; afterwards it is gone (404)."""
    if not needs_setup():
        raise Http404
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = create_organisation(
                SetupData(
                    **{k: data[k] for k in SetupData.__dataclass_fields__ if k != "password"},
                    password=data["password1"],
                )
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            login(request, person.user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("web:dashboard")
    return render(request, "web/setup/setup.html", {"form": form})


def _add_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error("password1" if field == "password" else field, messages)
