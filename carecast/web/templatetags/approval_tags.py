"""``{% approval_rule_form channel %}``: the lead's approval rule on a settings page."""

from __future__ import annotations

from django import template
from django.urls import reverse

from carecast.approvals import rules
from carecast.rights import may_set_approval_rules
from carecast.web.review_forms import ModeForm

register = template.Library()


@register.inclusion_tag("web/reviews/_mode_form.html", takes_context=True)
def approval_rule_form(context, target) -> dict:
    """The rule of a channel (or "as the department") or a department's default; lead only."""
    if not may_set_approval_rules(context.get("person")):
        return {"hidden": True}
    is_channel = target._meta.model_name == "channel"
    mode = rules.channel_mode(target) if is_channel else rules.department_mode(target)
    name = "web:channel_rule" if is_channel else "web:department_rule"
    return {
        "mode_form": ModeForm(initial={"mode": mode}, inherit=is_channel),
        "action": reverse(name, args=[target.pk]),
        "csrf_token": context.get("csrf_token"),
    }
