from django.contrib.admin.apps import AdminConfig


class MlfitAdminConfig(AdminConfig):
    """Django's admin, on the site that lists the questionnaire first (mlfit/admin.py)."""

    default_site = "mlfit.admin.MlfitAdminSite"
