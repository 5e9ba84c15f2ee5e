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
    path("results/<uuid:submission_id>/pdf/", views.results_pdf, name="results_pdf"),
    path("results/<uuid:submission_id>/preview.png", views.results_preview, name="results_preview"),
    path("results/<uuid:submission_id>/delete/", views.delete_results, name="delete"),
]
