from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "qualify.web.certification"
    label = "certification"
    verbose_name = _("Certification")

    def ready(self) -> None:
        # A deleted row's file leaves the file storage with it.
        from qualify.web.certification.models import StoredFile
        from qualify.web.files import delete_with_row

        delete_with_row(StoredFile, "file")

        # The person page shows the certification history through a port of its own (people sits
        # below certification and does not import it): plug the reader in.
        from qualify.web.certification.history import CertificationHistory
        from qualify.web.people import history

        history.register(CertificationHistory())
