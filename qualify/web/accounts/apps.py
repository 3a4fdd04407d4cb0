from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "qualify.web.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.core.signals import got_request_exception

        from qualify.web import observability
        from qualify.web.accounts import signals  # noqa: F401  (connects the receivers)

        got_request_exception.connect(observability.on_uncaught_exception,
                                      dispatch_uid="qualify-error-hook")
