from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "mlfit administration"
admin.site.site_title = "mlfit admin"
admin.site.index_title = "Questionnaires and submissions"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("assessments.urls")),
]

handler400 = "mlfit.middleware.bad_request"
handler500 = "mlfit.middleware.server_error"
