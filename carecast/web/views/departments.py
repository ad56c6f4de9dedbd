"""The departments page: the lead creates, renames and archives; the comms team may look."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecast.core import departments
from carecast.core.models import Department
from carecast.rights import in_comms_team, may_change_settings, person_passes, require
from carecast.web.team_forms import DepartmentForm


def _form_errors(form, error: ValidationError) -> None:
    for field, field_messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_messages)


@person_passes(in_comms_team)
def department_list(request):
    is_lead = may_change_settings(request.person)
    form = DepartmentForm(request.POST or None)
    if request.method == "POST":
        require(is_lead)
        if form.is_valid():
            try:
                made = departments.create(
                    request.person.organisation, request.user, **form.cleaned_data
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("Department “%(name)s” created.") % {"name": made})
                return redirect("web:departments")
    rows = (
        Department.objects.filter(organisation_id=request.person.organisation_id)
        .annotate(people_count=Count("people", distinct=True))
        .order_by("archived", "name")
    )
    context = {"rows": rows, "form": form, "is_lead": is_lead, "nav": "team"}
    return render(request, "web/departments/list.html", context)


def _department(request, department_id: int) -> Department:
    return get_object_or_404(
        Department, pk=department_id, organisation_id=request.person.organisation_id
    )


@person_passes(may_change_settings)
def department_edit(request, department_id: int):
    department = _department(request, department_id)
    initial = {"name": department.name, "topics": department.topics}
    form = DepartmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            departments.update(department, request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Department “%(name)s” saved.") % {"name": department})
            return redirect("web:departments")
    context = {"department": department, "form": form, "nav": "team"}
    return render(request, "web/departments/edit.html", context)


@require_POST
@person_passes(may_change_settings)
def department_archive(request, department_id: int):
    department = _department(request, department_id)
    archived = request.POST.get("archived") == "1"
    departments.set_archived(department, request.user, archived)
    done = _("“%(name)s” archived.") if archived else _("“%(name)s” is back in the lists.")
    messages.success(request, done % {"name": department})
    return redirect("web:departments")
