from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "qualify.web.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        # A deleted row's file leaves the file storage with it.
        from qualify.web.files import delete_with_row
        from qualify.web.people.models import ImportBatch

        delete_with_row(ImportBatch, "upload")

        # Stored standings: an applied import refreshes its families, a single change outdates them.
        from qualify.web.people import signals

        signals.connect()
