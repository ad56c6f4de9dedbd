"""The lead's page: which directory group gives which role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from carecast.core.models import AuditLog, Role
from carecast.directory.models import GroupRole

pytestmark = pytest.mark.django_db


def test_it_saves_changes_and_removes_a_mapping_each_audited(client, anna, geburtshilfe):
    client.force_login(anna.user)
    url = reverse("directory:mapping")

    client.post(url, {"group": " KOMM-Team ", "role": Role.EDITOR})
    client.post(
        url,
        {"group": "KOMM-Team", "role": Role.DEPARTMENT_EDITOR, "department": geburtshilfe.pk},
    )

    mapping = GroupRole.objects.get()
    assert (mapping.group, mapping.role, mapping.department) == (
        "KOMM-Team",
        Role.DEPARTMENT_EDITOR,
        geburtshilfe,
    )
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Verzeichnisgruppen" in page and "Geburtshilfe" in page
    client.post(reverse("directory:delete", args=[mapping.pk]))
    assert not GroupRole.objects.exists()
    actions = list(AuditLog.objects.order_by("pk").values_list("action", "actor"))
    assert actions == [
        ("organisation.directory_group_set", anna.user.pk),
        ("organisation.directory_group_set", anna.user.pk),
        ("organisation.directory_group_removed", anna.user.pk),
    ]


def test_it_asks_for_a_department_for_department_editors_and_loses_nothing(client, anna):
    client.force_login(anna.user)

    response = client.post(
        reverse("directory:mapping"),
        {"group": "Geburtshilfe-Redaktion", "role": Role.DEPARTMENT_EDITOR},
        HTTP_ACCEPT_LANGUAGE="de",
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "braucht eine Abteilung" in page
    assert 'value="Geburtshilfe-Redaktion"' in page
    assert not GroupRole.objects.exists()


def test_it_keeps_each_organisations_mappings_apart(client, anna):
    from carecast.core.models import Organisation

    other = Organisation.objects.create(name="Anderes Haus", slug="anderes-haus")
    theirs = GroupRole.objects.create(
        organisation=other, group="Alle-Mitarbeitenden", role=Role.ADMIN
    )
    client.force_login(anna.user)

    assert "Alle-Mitarbeitenden" not in client.get(reverse("directory:mapping")).content.decode()
    assert client.post(reverse("directory:delete", args=[theirs.pk])).status_code == 404
    assert GroupRole.objects.filter(pk=theirs.pk).exists()
