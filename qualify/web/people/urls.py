"""The people pages: the list (HR, managers), a person's page, and "my qualification"."""

from django.urls import path

from qualify.web.people import views_me, views_people

app_name = "people"

urlpatterns = [
    path("people/", views_people.people_list, name="list"),
    path("people/<str:employee_id>/", views_people.person_detail, name="detail"),
    path("me/", views_me.me, name="me"),
]
