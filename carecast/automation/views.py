"""Pages of the automation app: sources, rules (with dry run), gap filler, awareness days, trends.

Views stay thin: forms validate, the services in this app do the work. Automation shapes
what every channel posts, so the pages are for the communications team (admins and
editors), not for department editors.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecast.automation import awareness, gaps, pipeline, runner
from carecast.automation.forms import AwarenessDayForm, ChannelAutomationForm, RuleForm, SourceForm
from carecast.automation.models import (
    AutoPost,
    AwarenessDay,
    ChannelAutomation,
    Rule,
    Source,
    TrendSuggestion,
)
from carecast.automation.slots import settings_of
from carecast.automation.trends import draft_story
from carecast.networks.models import Channel
from carecast.rights import may_allow_hosts, may_use_automation, person_passes


def team_only(view):
    """Signed in, in an organisation, and allowed automation (``rights.may_use_automation``)."""

    @person_passes(may_use_automation)
    def wrapper(request, *args, **kwargs):
        request.org = request.person.organisation
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    return wrapper


def _page(request, template, tab, **context):
    return render(request, f"automation/{template}", {"nav": "automation", "tab": tab, **context})


# --- sources -------------------------------------------------------------------------


@team_only
def sources(request):
    is_admin = may_allow_hosts(request.person)
    form = SourceForm(request.POST or None, organisation=request.org, can_allow_hosts=is_admin)
    if request.method == "POST" and form.is_valid():
        source = form.save(commit=False)
        source.organisation = request.org
        source.save()
        messages.success(request, _("Source “%(name)s” added.") % {"name": source.name})
        return redirect("automation:source", source.pk)
    listed = (
        Source.objects.filter(organisation=request.org)
        .annotate(item_count=Count("items"))
        .select_related("channel")
    )
    return _page(request, "sources.html", "sources", sources=listed, form=form)


@team_only
def source_detail(request, source_id):
    source = get_object_or_404(Source, pk=source_id, organisation=request.org)
    form = SourceForm(
        request.POST or None,
        instance=source,
        organisation=request.org,
        can_allow_hosts=may_allow_hosts(request.person),
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Source “%(name)s” saved.") % {"name": source.name})
        return redirect("automation:source", source.pk)
    items = source.items.all()[:50]
    rules = list(source.rules.all())
    for rule in rules:
        rule.too_old = pipeline.too_old(source, rule)
    return _page(
        request, "source.html", "sources", source=source, items=items, rules=rules, form=form
    )


@require_POST
@team_only
def source_pause(request, source_id):
    """Pause a source (no more checks) or resume it (checked at once, failures forgotten)."""
    source = get_object_or_404(Source, pk=source_id, organisation=request.org)
    pipeline.set_paused(source, paused=source.is_active)
    if source.is_active:
        messages.success(request, _("Source “%(name)s” resumed.") % {"name": source.name})
    else:
        messages.success(request, _("Source “%(name)s” paused.") % {"name": source.name})
    return redirect("automation:source", source.pk)


@require_POST
@team_only
def source_delete(request, source_id):
    source = get_object_or_404(Source, pk=source_id, organisation=request.org)
    source.delete()
    messages.success(request, _("Source “%(name)s” removed.") % {"name": source.name})
    return redirect("automation:sources")


@require_POST
@team_only
def source_fetch(request, source_id):
    source = get_object_or_404(Source, pk=source_id, organisation=request.org)
    result, planned = pipeline.refresh(source, actor=request.user)
    if result.error:
        messages.error(request, _("Could not read the source: %(error)s") % {"error": result.error})
    else:
        messages.success(
            request,
            _("%(new)s new items, %(posts)s posts planned.")
            % {"new": len(result.new), "posts": len(planned)},
        )
    return redirect("automation:source", source.pk)


# --- rules ---------------------------------------------------------------------------


@team_only
def rules(request):
    form = RuleForm(request.POST or None, organisation=request.org)
    if request.method == "POST" and form.is_valid():
        rule = form.save(commit=False)
        rule.organisation = request.org
        rule.save()
        form.save_m2m()
        messages.success(request, _("Rule “%(name)s” saved.") % {"name": rule.name})
        return redirect("automation:rule", rule.pk)
    listed = Rule.objects.filter(organisation=request.org).prefetch_related("sources", "channels")
    return _page(request, "rules.html", "rules", rules=listed, form=form)


@team_only
def rule_detail(request, rule_id):
    rule = get_object_or_404(Rule, pk=rule_id, organisation=request.org)
    form = RuleForm(request.POST or None, instance=rule, organisation=request.org)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Rule “%(name)s” saved.") % {"name": rule.name})
        return redirect("automation:rule", rule.pk)
    plan = runner.dry_run(rule)
    recent = AutoPost.objects.filter(rule=rule).select_related("channel", "item", "publication")[
        :30
    ]
    return _page(request, "rule.html", "rules", rule=rule, form=form, plan=plan, recent=recent)


@require_POST
@team_only
def rule_run(request, rule_id):
    rule = get_object_or_404(Rule, pk=rule_id, organisation=request.org)
    done = []
    for source in rule.sources.filter(is_active=True):
        done += pipeline.refresh(source, actor=request.user)[1]
    # Then the items this rule has not handled yet (e.g. read before the rule existed).
    done += runner.run_rule(rule, actor=request.user)
    scheduled = sum(1 for p in done if p.status == AutoPost.Status.SCHEDULED)
    messages.success(
        request,
        _("Rule ran: %(scheduled)s posts scheduled, %(total)s handled.")
        % {"scheduled": scheduled, "total": len(done)},
    )
    return redirect("automation:rule", rule.pk)


# --- gap filler ------------------------------------------------------------------------


@team_only
def gap_filler(request):
    now = timezone.now()
    channels = Channel.objects.filter(organisation=request.org).order_by("name")
    rows = []
    for channel in channels:
        caps = settings_of(channel)
        rows.append(
            {
                "channel": channel,
                "caps": caps,
                "form": ChannelAutomationForm(instance=caps, prefix=f"c{channel.pk}"),
                "queue": gaps.evergreen_queue(channel, caps.evergreen_repeat_days, now)[:5],
                "waiting": AutoPost.objects.filter(
                    channel=channel, status=AutoPost.Status.QUEUED
                ).count(),
            }
        )
    return _page(request, "gaps.html", "gaps", rows=rows)


@require_POST
@team_only
def channel_settings(request, channel_id):
    channel = get_object_or_404(Channel, pk=channel_id, organisation=request.org)
    caps, _created = ChannelAutomation.objects.get_or_create(channel=channel)
    form = ChannelAutomationForm(request.POST, instance=caps, prefix=f"c{channel.pk}")
    if form.is_valid():
        form.save()
        messages.success(request, _("Saved for “%(name)s”.") % {"name": channel.name})
    else:
        messages.error(
            request, _("Please check the numbers for “%(name)s”.") % {"name": channel.name}
        )
    return redirect("automation:gaps")


# --- awareness days --------------------------------------------------------------------


@team_only
def awareness_days(request):
    awareness.ensure_defaults(request.org)
    form = AwarenessDayForm(request.POST or None, organisation=request.org)
    if request.method == "POST" and form.is_valid():
        day = form.save(commit=False)
        day.organisation = request.org
        day.save()
        form.save_m2m()
        messages.success(request, _("Awareness day “%(name)s” added.") % {"name": day.name})
        return redirect("automation:days")
    today = timezone.localdate()
    days = AwarenessDay.objects.filter(organisation=request.org).prefetch_related(
        "departments", "reminders__story"
    )
    upcoming = sorted(
        ({"day": d, "date": awareness.next_date(d, today)} for d in days),
        key=lambda row: row["date"],
    )
    for row in upcoming:
        row["due"] = (row["date"] - today).days <= row["day"].lead_days
        row["departments"] = awareness.departments_for(row["day"])
        row["reminder"] = next(
            (r for r in row["day"].reminders.all() if r.year == row["date"].year), None
        )
    return _page(request, "days.html", "days", upcoming=upcoming, form=form)


@team_only
def awareness_day(request, day_id):
    day = get_object_or_404(AwarenessDay, pk=day_id, organisation=request.org)
    form = AwarenessDayForm(request.POST or None, instance=day, organisation=request.org)
    if request.method == "POST" and "delete" in request.POST:
        day.delete()
        messages.success(request, _("Awareness day “%(name)s” removed.") % {"name": day.name})
        return redirect("automation:days")
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Awareness day “%(name)s” saved.") % {"name": day.name})
        return redirect("automation:days")
    return _page(request, "day.html", "days", day=day, form=form)


@require_POST
@team_only
def awareness_remind(request):
    made = awareness.remind(request.org)
    messages.success(request, _("%(n)s draft stories prepared.") % {"n": len(made)})
    return redirect("automation:days")


# --- trends -----------------------------------------------------------------------------


@team_only
def trends(request):
    suggestions = TrendSuggestion.objects.filter(
        organisation=request.org, dismissed=False
    ).select_related("department", "story")[:50]
    return _page(request, "trends.html", "trends", suggestions=suggestions)


@require_POST
@team_only
def trends_refresh(request):
    from carecast.automation.trends import refresh

    made = refresh(request.org)
    messages.success(request, _("%(n)s trend suggestions found.") % {"n": len(made)})
    return redirect("automation:trends")


@require_POST
@team_only
def trend_draft(request, suggestion_id):
    suggestion = get_object_or_404(TrendSuggestion, pk=suggestion_id, organisation=request.org)
    story = suggestion.story or draft_story(suggestion, actor=request.user)
    return redirect("web:story_edit", story.pk)


@require_POST
@team_only
def trend_dismiss(request, suggestion_id):
    TrendSuggestion.objects.filter(pk=suggestion_id, organisation=request.org).update(
        dismissed=True
    )
    return redirect("automation:trends")
