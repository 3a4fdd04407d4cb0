from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "qualify.web.screening"
    label = "screening"
    verbose_name = _("Screening")

    def ready(self) -> None:
        # A deleted row's file leaves the file storage with it.
        from qualify.web.files import delete_with_row
        from qualify.web.screening.models import ScreeningRun

        delete_with_row(ScreeningRun, "result")

        # The people pages read stored screening results through a port of their own (people sits
        # below screening and does not import it): plug the reader in.
        from qualify.web.people import standings
        from qualify.web.screening import repository

        standings.register(repository)
