"""``/import/``: HR uploads a workbook, reads the validation report, confirms."""

from django.urls import path

from qualify.web.people import import_views as views

app_name = "imports"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:batch_id>/", views.detail, name="detail"),
    path("<int:batch_id>/apply/", views.apply, name="apply"),
]
