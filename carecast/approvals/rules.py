"""The lead's approval rules: per channel, per department, and per inbox label."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from carecast.approvals.models import ChannelPolicy, DepartmentPolicy, ReplyLabelPolicy
from carecast.core import audit


def channel_mode(channel) -> str:
    """The channel's own rule ("" = as its department)."""
    return next(
        iter(ChannelPolicy.objects.filter(channel=channel).values_list("mode", flat=True)), ""
    )


def department_mode(department) -> str:
    return next(
        iter(DepartmentPolicy.objects.filter(department=department).values_list("mode", flat=True)),
        "nobody",
    )


@transaction.atomic
def set_channel_mode(channel, mode: str, actor) -> None:
    ChannelPolicy.objects.update_or_create(channel=channel, defaults={"mode": mode})
    audit.record(
        channel.organisation,
        "approval.rule_changed",
        channel.name,
        actor=actor,
        channel=channel.pk,
        mode=mode or "department",
    )


@transaction.atomic
def set_department_mode(department, mode: str, actor) -> None:
    DepartmentPolicy.objects.update_or_create(department=department, defaults={"mode": mode})
    audit.record(
        department.organisation,
        "approval.rule_changed",
        department.name,
        actor=actor,
        department=department.pk,
        mode=mode,
    )


def reply_labels(organisation) -> list[str]:
    return sorted(
        ReplyLabelPolicy.objects.filter(organisation=organisation).values_list("label", flat=True)
    )


@transaction.atomic
def set_reply_labels(organisation, labels: Iterable[str], actor) -> None:
    """Replies to comments with any of ``labels`` wait for approval."""
    labels = sorted(set(labels))
    ReplyLabelPolicy.objects.filter(organisation=organisation).exclude(label__in=labels).delete()
    for label in labels:
        ReplyLabelPolicy.objects.get_or_create(organisation=organisation, label=label)
    audit.record(
        organisation, "approval.reply_labels_changed", ", ".join(labels), actor=actor, labels=labels
    )
