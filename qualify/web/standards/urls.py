"""``/standards/…``: the catalogue, a standard, its comparison table and its xlsx."""

from django.urls import path

from qualify.web.standards import views

app_name = "standards"

urlpatterns = [
    path("standards/", views.catalogue, name="catalogue"),
    path("standards/<str:standard_id>/", views.detail, name="detail"),
    path("standards/<str:standard_id>/compare/", views.compare, name="compare"),
    path("standards/<str:standard_id>/export.xlsx", views.export, name="export"),
]
