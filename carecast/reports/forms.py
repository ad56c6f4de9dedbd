from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecast.reports.models import ReportSettings


class ReportSettingsForm(forms.ModelForm):
    class Meta:
        model = ReportSettings
        fields = ["recipients", "language"]
        widgets = {"recipients": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"recipients": gettext_lazy("One e-mail address per line.")}

    def clean_recipients(self) -> str:
        lines = [
            line.strip() for line in self.cleaned_data["recipients"].splitlines() if line.strip()
        ]
        wrong = []
        for line in lines:
            try:
                validate_email(line)
            except ValidationError:
                wrong.append(line)
        if wrong:
            raise ValidationError(
                _("Not an e-mail address: %(lines)s") % {"lines": ", ".join(wrong)}
            )
        return "\n".join(dict.fromkeys(lines))
