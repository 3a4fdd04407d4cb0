"""``/screening/…`` (HR)."""

from django.urls import path

from qualify.web.screening import views

app_name = "screening"

urlpatterns = [
    path("screening/", views.run_list, name="list"),
    path("screening/<int:run_id>/", views.run_detail, name="detail"),
    path("screening/<int:run_id>/result.xlsx", views.run_workbook, name="workbook"),
]
