"""Errors seen, counted per day and kind of error for the monthly operations report."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ErrorTally(models.Model):
    day = models.DateField(_("day"))
    logger = models.CharField(_("logger"), max_length=100)
    # The first line of the message, so one error repeated a thousand times is one row.
    message = models.CharField(_("message"), max_length=300)
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "logger", "message"], name="one_tally_per_error")
        ]
        verbose_name = _("error tally")

    def __str__(self) -> str:
        return f"{self.day} {self.logger}: {self.message} ×{self.count}"
