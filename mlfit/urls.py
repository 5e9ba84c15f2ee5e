from django.conf import settings
from django.contrib import admin
from django.http import FileResponse, HttpRequest
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from assessments.admin_statistics import statistics_view

admin.site.site_header = _("mlfit administration")
admin.site.site_title = _("mlfit admin")
admin.site.index_title = _("Questionnaires and submissions")

FAVICON = settings.BASE_DIR / "static" / "img" / "favicon.ico"


@require_safe
@cache_control(public=True, max_age=86400)
def favicon(request: HttpRequest) -> FileResponse:
    """Serve the icon where browsers look for it unasked (admin pages, feed readers, bookmarks).

    The site's own pages link the SVG and PNG icons in static/img/.
    """
    return FileResponse(FAVICON.open("rb"), content_type="image/x-icon")


urlpatterns = [
    path("favicon.ico", favicon),
    # Before the admin's own URLs, which would take admin/statistics/ for an app's page.
    path(
        "admin/statistics/",
        admin.site.admin_view(statistics_view),
        name="admin-statistics",
    ),
    path("admin/", admin.site.urls),
    # set_language: the language switcher on every page posts here.
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("assessments.urls")),
]

handler400 = "mlfit.middleware.bad_request"
handler500 = "mlfit.middleware.server_error"
