"""Production mode, headers, admin login throttling, error pages and outages."""

from __future__ import annotations

import os
import subprocess
import sys
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.db import OperationalError
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views import defaults

from assessments.models import Submission
from assessments.views import OWNER_COOKIE

from .conftest import ROOT, complete, start, step_url
from .test_views import text

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x" * 60 + "-a-long-random-production-secret-for-the-test",
    "DJANGO_ALLOWED_HOSTS": "mlfit.example.org",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DATABASE_URL": "sqlite:///:memory:", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_a_flag_that_is_not_yes_or_no_is_refused_with_a_clear_message():
    result = manage("check", DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be one of" in result.stderr


def test_the_deployment_checklist_reports_nothing_in_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_proxy_header_is_configurable():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)",
        **PRODUCTION,
        DJANGO_SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO",
    )
    assert "('HTTP_X_FORWARDED_PROTO', 'https')" in result.stdout, result.stderr


@pytest.mark.parametrize("page", ["landing", "step", "results", "admin"])
def test_every_page_carries_a_strict_content_security_policy(
    respondent, completed_submission, page
):
    url = {
        "landing": reverse("assessments:landing"),
        "step": reverse("assessments:step", args=[completed_submission.pk, 1]),
        "results": completed_submission.get_absolute_url(),
        "admin": reverse("admin:login"),
    }[page]
    response = respondent.get(url, follow=True)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_our_pages_hold_no_inline_script_or_style(respondent, submission):
    pages = [
        respondent.get(reverse("assessments:landing")),
        respondent.get(reverse("assessments:step", args=[submission.pk, 1])),
        respondent.post(reverse("assessments:step", args=[submission.pk, 1]), {"action": "next"}),
    ]
    for response in pages:
        html = response.content.decode()
        assert "style=" not in html
        assert "<style" not in html
        assert "<script>" not in html
        assert html.count("<script") == html.count("<script src=")


def test_results_and_steps_cannot_be_listed(respondent, completed_submission):
    for url in ["/results/", "/s/", "/s/step/1/", "/results/1/", "/s/1/step/1/"]:
        assert respondent.get(url).status_code == 404


def test_the_admin_needs_a_staff_login(respondent, completed_submission):
    response = respondent.get("/admin/assessments/submission/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    User.objects.create_user("visitor", password="a-long-password-1")
    respondent.post("/admin/login/", {"username": "visitor", "password": "a-long-password-1"})
    assert respondent.get("/admin/assessments/submission/").status_code == 302


def admin_login(client: Client, username: str, password: str):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR="203.0.113.7",
    )


def test_repeated_failed_admin_logins_are_locked_out(db, settings):
    settings.AXES_FAILURE_LIMIT = 3
    User.objects.create_superuser("admin", "admin@example.org", "the-right-password-1")
    browser = Client()
    for _ in range(2):
        response = admin_login(browser, "admin", "wrong")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in text(response)
    locked = admin_login(browser, "admin", "wrong")
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in text(locked)
    # Even the right password is refused while locked out.
    assert admin_login(browser, "admin", "the-right-password-1").status_code == 429
    assert "_auth_user_id" not in browser.session


def test_a_successful_login_resets_the_failure_count(db, settings):
    settings.AXES_FAILURE_LIMIT = 3
    User.objects.create_superuser("admin", "admin@example.org", "the-right-password-1")
    browser = Client()
    admin_login(browser, "admin", "wrong")
    admin_login(browser, "admin", "wrong")
    assert admin_login(browser, "admin", "the-right-password-1").status_code == 302
    browser.logout()
    assert admin_login(browser, "admin", "wrong").status_code == 200


def test_a_database_outage_gives_a_clear_503_page(respondent, questionnaire):
    with mock.patch(
        "assessments.models.revisions.RevisionQuerySet.latest_open",
        side_effect=OperationalError("gone"),
    ):
        response = respondent.get(reverse("assessments:landing"))
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    page = text(response)
    assert "The service is briefly unavailable" in page
    assert "Traceback" not in page


def test_losing_the_database_after_the_view_still_gives_the_503_page(respondent, questionnaire):
    submission = start(respondent)
    respondent.raise_request_exception = False
    # Skipping ahead leaves a message, stored by middleware after the view.
    with mock.patch(
        "django.contrib.messages.storage.fallback.FallbackStorage._store",
        side_effect=OperationalError("server closed the connection unexpectedly"),
    ):
        response = respondent.get(step_url(submission, 3))
    assert response.status_code == 503
    assert "The service is briefly unavailable" in text(response)


def test_the_error_pages_say_what_happened_and_what_to_do(rf: RequestFactory, db):
    request = rf.get("/")
    assert "Something went wrong on our side" in text(defaults.server_error(request))
    assert "could not be understood" in text(defaults.bad_request(request, Exception()))
    assert "You cannot open this page" in text(defaults.permission_denied(request, Exception()))
    assert "This page does not exist" in text(defaults.page_not_found(request, Exception()))


def proxied_login(client: Client, forwarded: str, password: str):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "admin", "password": password},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_behind_a_trusted_proxy_one_attacker_does_not_lock_the_admin_out(db, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.MLFIT_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    User.objects.create_superuser("admin", "admin@example.org", "the-right-password-1")
    attacker = Client()
    for _ in range(3):
        proxied_login(attacker, "203.0.113.66", "wrong")
    assert proxied_login(attacker, "203.0.113.66", "wrong").status_code == 429
    assert proxied_login(Client(), "198.51.100.5", "the-right-password-1").status_code == 302


def test_without_a_trusted_proxy_a_forged_forwarded_address_does_not_dodge_the_lockout(
    db, settings
):
    settings.AXES_FAILURE_LIMIT = 3
    User.objects.create_superuser("admin", "admin@example.org", "the-right-password-1")
    attacker = Client()
    for number in range(3):
        proxied_login(attacker, f"203.0.113.{number}", "wrong")
    assert proxied_login(attacker, "203.0.113.99", "wrong").status_code == 429


def test_failures_during_a_lockout_do_not_extend_it(db, settings):
    from axes.models import AccessAttempt

    settings.AXES_FAILURE_LIMIT = 3
    User.objects.create_superuser("admin", "admin@example.org", "the-right-password-1")
    browser = Client()
    for _ in range(3):
        admin_login(browser, "admin", "wrong")
    locked_at = AccessAttempt.objects.get().attempt_time
    for _ in range(3):
        assert admin_login(browser, "admin", "wrong").status_code == 429
    assert AccessAttempt.objects.get().attempt_time == locked_at


def test_a_planted_owner_cookie_owns_nothing_once_the_person_starts(questionnaire):
    attacker = Client()
    attacker.post(reverse("assessments:start"))
    planted = attacker.cookies[OWNER_COOKIE].value
    victim = Client()
    victim.cookies[OWNER_COOKIE] = planted  # e.g. set through a sibling subdomain

    response = victim.post(reverse("assessments:start"))

    submission = Submission.objects.get(pk=response["Location"].split("/")[2])
    assert victim.cookies[OWNER_COOKIE].value != planted
    # The attacker's copy of the old secret can neither read the step nor change answers.
    assert attacker.get(response["Location"]).status_code == 403
    data = {f"q{s.position}": "5" for s in submission.frozen.reasons[0].statements}
    assert attacker.post(response["Location"], {**data, "action": "next"}).status_code == 403
    submission.refresh_from_db()
    assert submission.answered_count == 0
    assert victim.get(response["Location"]).status_code == 200


def test_starting_again_keeps_this_browsers_earlier_results_its_own(questionnaire):
    browser = Client()
    first = start(browser)
    complete(browser, first, 4)

    second = start(browser)

    assert second.pk != first.pk
    assert "Your results" in text(browser.get(first.get_absolute_url()))
    assert browser.get(reverse("assessments:step", args=[second.pk, 1])).status_code == 200
