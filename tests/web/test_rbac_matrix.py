"""The RBAC matrix: every URL of carecast × every role → the answer the rules table expects.

Generated from the URL configuration, so a new view without a row in
``tests/web/rbac_rules.py`` fails here (that module says how to add one). The objects
behind URL arguments belong to department A; each role's request runs in a transaction
that is rolled back, so one role's POST never changes what the next role sees.
"""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from PIL import Image

from carecast.automation.models import AwarenessDay, Rule, Source, TrendSuggestion
from carecast.core.models import Department, Person, Role
from carecast.inbox.models import DutyShift, InboxItem, InboxReply
from carecast.live import actions
from carecast.live.models import LiveSession
from carecast.networks.models import Channel
from carecast.publishing.models import Publication, State
from carecast.stories.models import MediaAsset, PersonShown
from carecast.stories.services import save_story
from tests.web.rbac_rules import EXEMPT, EXEMPT_NAMESPACES, LOGIN, OK, ROLES, RULES

# Nothing listens here: a request that slips through to a network fails at once.
NOWHERE = "http://127.0.0.1:9"

# URL argument name → the object of department A it stands for (``w`` is ``world``).
KWARGS = {
    "story_id": lambda w: w.story.pk,
    "channel_id": lambda w: w.channel.pk,
    "publication_id": lambda w: w.publication.pk,
    "asset_id": lambda w: w.asset.pk,
    "person_id": lambda w: w.person_shown.pk,
    "name": lambda w: w.asset.file.name,
    "slug": lambda w: w.session.slug,
    "question_id": lambda w: w.question.pk,
    "action": lambda w: "approve",
    "item_id": lambda w: w.item.pk,
    "reply_id": lambda w: w.reply.pk,
    "shift_id": lambda w: w.shift.pk,
    "source_id": lambda w: w.source.pk,
    "rule_id": lambda w: w.rule.pk,
    "day_id": lambda w: w.day.pk,
    "suggestion_id": lambda w: w.suggestion.pk,
    "department_id": lambda w: w.department_a.pk,
    "network": lambda w: "mastodon",
    "token": lambda w: "no-such-invitation",
}


def _walk(patterns, namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or ""
            full = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            if inner in EXEMPT_NAMESPACES:
                continue
            yield from _walk(entry.url_patterns, full)
        elif isinstance(entry, URLPattern):
            name = entry.name or f"<unnamed {entry.pattern}>"
            yield f"{namespace}:{name}" if namespace else name, list(entry.pattern.regex.groupindex)


def url_names() -> dict[str, list[str]]:
    """Every named URL of the project (admin aside) → its argument names."""
    return {name: args for name, args in _walk(get_resolver().url_patterns) if name not in EXEMPT}


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (30, 120, 160)).save(out, format="PNG")
    return out.getvalue()


def _person(org, username: str, role: str, department=None) -> Person:
    # No password: hashing one costs a noticeable moment on a busy machine.
    user = get_user_model().objects.create_user(username, f"{username}@klinikum.test")
    return Person.objects.create(user=user, organisation=org, role=role, department=department)


@pytest.fixture
def world(org, geburtshilfe, anna, ben, clara):
    """Department A's story, post, channel, media file, live session, inbox item, and the
    automation pieces of the organisation; the six roles' people."""
    now = timezone.now()
    w = SimpleNamespace(org=org, department_a=geburtshilfe, anna=anna, ben=ben, clara=clara)
    w.department_b = Department.objects.create(organisation=org, name="Brustzentrum", slug="bz")
    w.dora = _person(org, "dora", Role.DEPARTMENT_EDITOR, w.department_b)
    w.vera = _person(org, "vera", Role.VIEWER)
    w.channel = Channel.objects.create(
        organisation=org,
        network="mastodon",
        name="Mastodon – Babytown",
        handle="babytown",
        department=geburtshilfe,
        base_url=NOWHERE,
        is_sandbox=True,
    )
    w.feed = Channel.objects.create(organisation=org, network="feed", name="Website", handle="n")
    w.asset = MediaAsset(organisation=org, kind="image", mime_type="image/png", alt_text="Team")
    w.asset.file.save("kreisssaal.png", ContentFile(_png()), save=True)
    w.person_shown = PersonShown.objects.create(asset=w.asset, name="Hebamme Petra")
    w.person_shown.consent_document.save("einwilligung.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    w.story = save_story(
        org,
        title="Kreißsaalführung",
        text="Jeden Dienstag um 18 Uhr.",
        channels=[w.channel],
        department=geburtshilfe,
        media=[w.asset],
    )
    variant = w.story.variants.get()
    w.publication = Publication.objects.create(
        variant=variant,
        channel=w.channel,
        state=State.SCHEDULED,
        due_at=now + dt.timedelta(days=1),
        text=variant.text,
    )
    w.session = LiveSession.objects.create(
        organisation=org,
        department=geburtshilfe,
        title="Live-Sprechstunde Geburt",
        slug="geburt",
        starts_at=now,
        ends_at=now + dt.timedelta(hours=1),
        created_by=anna.user,
    )
    w.question = actions.submit_question(w.session, "Darf mein Partner mit?", client="a")
    w.public_question = actions.approve(
        actions.submit_question(w.session, "Gibt es Familienzimmer?", client="b")
    )
    w.item = InboxItem.objects.create(
        organisation=org,
        channel=w.channel,
        remote_id="1",
        author="lena",
        text="Wann ist Besuchszeit?",
        received_at=now,
    )
    w.reply = InboxReply.objects.create(item=w.item, text="Ab 14 Uhr.", state="unconfirmed")
    w.shift = DutyShift.objects.create(
        organisation=org, person=ben, starts_at=now, ends_at=now + dt.timedelta(hours=8)
    )
    w.source = Source.objects.create(organisation=org, name="Website", url=f"{NOWHERE}/feed")
    w.rule = Rule.objects.create(organisation=org, name="Jobs")
    w.day = AwarenessDay.objects.create(organisation=org, name="Weltfrühgeborenentag", month=11)
    w.suggestion = TrendSuggestion.objects.create(
        organisation=org, tag="Hitzewelle", origin="feeds", seen_at=now
    )
    return w


@pytest.fixture
def clients(world) -> dict[str, Client]:
    people = dict(viewer=world.vera, dept_a=world.clara, dept_b=world.dora, team=world.ben)
    people["lead"] = world.anna
    made = {"anonymous": Client()}
    for role, person in people.items():
        made[role] = Client()
        made[role].force_login(person.user)
    return made


def answer(response) -> str | int:
    """What the matrix compares: ``OK``, ``LOGIN`` or the refusing status code."""
    if response.status_code in (301, 302, 303):
        return LOGIN if response["Location"].startswith("/login/") else OK
    return OK if response.status_code < 300 else response.status_code


def _ask(client: Client, rule, path: str):
    with transaction.atomic():
        if rule.method == "GET":
            response = client.get(path + (f"?{rule.query}" if rule.query else ""))
        else:
            options = {"content_type": rule.content_type} if rule.content_type else {}
            response = client.post(path, rule.data, **options)
        transaction.set_rollback(True)
    return response


def answers(name: str, rule, world, clients) -> tuple:
    """Each role's answer for the URL ``name``, its arguments filled from ``world``."""
    kwargs = {}
    for arg in url_names()[name]:
        fill = rule.kwargs.get(arg) or KWARGS.get(arg)
        assert fill, f"{name}: no object for the URL argument {arg!r}; add it to KWARGS"
        kwargs[arg] = fill(world)
    path = reverse(name, kwargs=kwargs)
    return path, tuple(answer(_ask(clients[role], rule, path)) for role in ROLES)


def missing_rules(names) -> list[str]:
    return sorted(name for name in names if name not in RULES)


def test_it_has_a_rule_for_every_url():
    missing = missing_rules(url_names())
    assert not missing, (
        "No rights rule for these URLs; add a row for each to RULES in tests/web/rbac_rules.py "
        "with the answer each role should get (its docstring says how): " + ", ".join(missing)
    )


def test_it_answers_every_role_as_the_rules_table_says(world, clients):
    """One world for all URLs (building it per URL took minutes on a busy machine); every
    disagreement is listed, not just the first."""
    wrong = []
    for name in sorted(set(url_names()) & set(RULES)):
        rule = RULES[name]
        path, got = answers(name, rule, world, clients)
        for role, expected, actual in zip(ROLES, rule.expect, got):
            if expected != actual:
                wrong.append(
                    f"{name} ({rule.method} {path}) {role}: expected {expected}, got {actual}"
                )
    assert not wrong, "\n".join(wrong)


def test_it_notices_a_url_without_a_rule():
    """A new view is caught: one more URL name than the table knows."""
    names = {"web:dashboard": [], "live:moderate": ["slug"], "web:brand_new_page": []}
    assert missing_rules(names) == ["web:brand_new_page"]
