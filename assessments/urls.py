from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("health/", views.health, name="health"),
    path("start/", views.start, name="start"),
    path("s/<uuid:submission_id>/", views.resume, name="resume"),
    path("s/<uuid:submission_id>/step/<int:number>/", views.step, name="step"),
    path("s/<uuid:submission_id>/check/", views.check, name="check"),
    path("results/<uuid:submission_id>/", views.results, name="results"),
]
