"""URLs of the comparison project: the survey app under /survey/ and a trivial view."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("health/", views.health),
    path("survey/", include("survey.urls")),
]
