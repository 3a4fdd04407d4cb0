from django.urls import path

from qualify.web.notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.inbox, name="inbox"),
    path("notifications/<int:notification_id>/read/", views.mark_read, name="read"),
    path("notifications/read-all/", views.mark_all_read, name="read-all"),
    path("notifications/preferences/", views.preferences, name="preferences"),
    path("notifications/webhooks/", views.webhooks, name="webhooks"),
    path("notifications/webhooks/<int:webhook_id>/delete/", views.webhook_delete, name="webhook-delete"),
    path("notifications/webhooks/<int:webhook_id>/test/", views.webhook_test, name="webhook-test"),
]
