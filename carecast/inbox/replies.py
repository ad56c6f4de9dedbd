"""Ready replies for emergencies and the guard every reply passes before it leaves carecast.

No medical advice in public: a ready reply points to the right number and offers a
private channel, in the commenter's language (``carecast.lib.language``). Telling the
person on duty is ``carecast.inbox.duty``.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from carecast.compliance.draft import Finding
from carecast.compliance.service import check_reply as _check_reply
from carecast.inbox.triage import Triage


def check_reply(text: str) -> list[Finding]:
    """The findings on a draft reply; any that blocks keeps it from being sent."""
    return _check_reply(text)


def _life() -> str:
    return _(
        "This sounds like an emergency. Please call 112 now, or ask someone near you to call. "
        "We cannot give medical advice here, but we are reading along and will get in touch "
        "privately."
    )


def _suicide() -> str:
    return _(
        "We are glad you wrote to us. If you are in acute danger, please call 112 now. "
        "TelefonSeelsorge is there for you day and night, free and anonymous: "
        "0800 111 0 111 or 0800 111 0 222. We will also get in touch privately."
    )


def _urgent() -> str:
    return _(
        "When your practice is closed, the on-call medical service helps: call 116 117 "
        "(free, day and night). If it gets worse, or in a life-threatening situation, call 112. "
        "We cannot give medical advice here."
    )


READY = {"life": _life, "suicide": _suicide, "urgent": _urgent}


def ready_reply(result: Triage, language: str = "de") -> str:
    """The reply for the most serious kind of emergency found, or "" when there is none."""
    for kind in ("suicide", "life", "urgent"):
        if kind in result.emergency_kinds:
            with translation.override(language):
                return READY[kind]()
    return ""


def moderator_hint(result: Triage, language: str = "de") -> list[str]:
    """What the person answering should do, per label."""
    hints = []
    with translation.override(language):
        if "emergency" in result.labels:
            hints.append(_("Emergency: tell the person on duty now and reply with the ready text."))
        if "health_data" in result.labels:
            hints.append(
                _(
                    "Health data: don't quote it, offer a private channel, consider hiding the comment."
                )
            )
    return hints
