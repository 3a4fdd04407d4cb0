"""The people pages: the list (HR, managers), a person's page, and "my qualification"."""

from django.urls import path

from qualify.web.people import me_views, views

app_name = "people"

urlpatterns = [
    path("people/", views.people_list, name="list"),
    path("people/<str:employee_id>/", views.person_detail, name="detail"),
    path("me/", me_views.me, name="me"),
]
