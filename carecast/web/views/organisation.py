"""The organisation page: the lead changes the hospital's name, zone, language and addresses."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from carecast.core.setup import SETTINGS_FIELDS, update_organisation
from carecast.rights import may_change_settings, person_passes
from carecast.web.team_forms import OrganisationForm


@person_passes(may_change_settings)
def organisation_settings(request):
    organisation = request.person.organisation
    initial = {field: getattr(organisation, field) for field in SETTINGS_FIELDS}
    form = OrganisationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {field: form.cleaned_data[field] or "" for field in SETTINGS_FIELDS}
        try:
            changed = update_organisation(organisation, values, request.user)
        except ValidationError as error:
            for field, field_messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_messages)
        else:
            if changed:
                messages.success(request, _("Settings saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("web:organisation")
    return render(request, "web/people/organisation.html", {"form": form, "nav": "team"})
