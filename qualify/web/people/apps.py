from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "qualify.web.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        from qualify.web.people import signals

        signals.connect()
