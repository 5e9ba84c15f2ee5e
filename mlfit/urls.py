from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("mlfit administration")
admin.site.site_title = _("mlfit admin")
admin.site.index_title = _("Questionnaires and submissions")

urlpatterns = [
    path("admin/", admin.site.urls),
    # set_language: the language switcher on every page posts here.
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("assessments.urls")),
]

handler400 = "mlfit.middleware.bad_request"
handler500 = "mlfit.middleware.server_error"
