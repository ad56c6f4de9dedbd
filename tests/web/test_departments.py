"""The departments page: the lead creates, renames and archives; the comms team may look;
archived departments leave the pickers."""

from __future__ import annotations

import pytest

from carecast.core.models import Department
from tests.web.conftest import login


def test_it_creates_a_department(anna_client, org):
    response = anna_client.post(
        "/departments/", {"name": "Kardiologie", "topics": "Herz, Herzinfarkt"}
    )
    assert response.status_code == 302
    made = Department.objects.get(name="Kardiologie")
    assert (made.slug, made.topics) == ("kardiologie", "Herz, Herzinfarkt")
    assert "Herzinfarkt" in anna_client.get("/departments/").content.decode()


def test_it_refuses_a_duplicate_name_and_keeps_the_input(anna_client, geburtshilfe):
    response = anna_client.post("/departments/", {"name": "Geburtshilfe", "topics": "Stillen"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Eine Abteilung mit diesem Namen gibt es schon." in body
    assert 'value="Stillen"' in body
    assert Department.objects.count() == 1


def test_it_renames_without_changing_the_slug(anna_client, geburtshilfe):
    anna_client.post(
        f"/departments/{geburtshilfe.pk}/", {"name": "Frauenklinik und Geburtshilfe", "topics": ""}
    )
    geburtshilfe.refresh_from_db()
    assert geburtshilfe.name == "Frauenklinik und Geburtshilfe"
    assert geburtshilfe.slug == "geburtshilfe"


def test_it_archives_out_of_the_pickers(anna_client, geburtshilfe, clara):
    anna_client.post(f"/departments/{geburtshilfe.pk}/archive/", {"archived": "1"})
    geburtshilfe.refresh_from_db()
    assert geburtshilfe.archived
    assert "archiviert" in anna_client.get("/departments/").content.decode()
    picker = anna_client.get("/team/new/").content.decode()
    assert f'<option value="{geburtshilfe.pk}"' not in picker
    clara.refresh_from_db()
    assert clara.department == geburtshilfe


def test_the_comms_team_may_look_but_not_change(ben, geburtshilfe):
    client = login(ben)
    body = client.get("/departments/").content.decode()
    assert "Geburtshilfe" in body and "Abteilung anlegen" not in body
    assert client.post("/departments/", {"name": "Kardiologie"}).status_code == 403
    assert client.get(f"/departments/{geburtshilfe.pk}/").status_code == 403
    assert (
        client.post(f"/departments/{geburtshilfe.pk}/archive/", {"archived": "1"}).status_code
        == 403
    )


@pytest.mark.parametrize("who", ["clara"])
def test_department_editors_do_not_see_it(request, who):
    assert login(request.getfixturevalue(who)).get("/departments/").status_code == 403


def test_archived_departments_leave_the_story_picker_but_their_editor_keeps_it(
    anna_client, clara_client, geburtshilfe, org
):
    from carecast.core import departments

    kardiologie = departments.create(org, None, "Kardiologie")
    departments.set_archived(geburtshilfe, None, True)
    offered = anna_client.get("/stories/new/").content.decode()
    assert f'<option value="{kardiologie.pk}"' in offered
    assert f'<option value="{geburtshilfe.pk}"' not in offered
    # Clara still writes for her own (archived) department until the lead moves her.
    assert (
        f'<option value="{geburtshilfe.pk}"' in clara_client.get("/stories/new/").content.decode()
    )
