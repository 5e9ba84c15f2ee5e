"""The processes the load, fault, topology and benchmark scripts run mlfit with.

The production-mode environment, a free loopback port, management commands,
Django set up in the calling process against the same database, a server
process in its own process group (`Process`), gunicorn serving mlfit
(`Server`), waiting for a port or a page, gunicorn's log summed up, and
PostgreSQL restarted through pg_ctl (with the MLFIT_PG_* variables that
scripts/with-postgres exports).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC_PATH = "/static/css/mlfit.css"
POSTGRES_URL = ("postgres://", "postgresql://", "pgsql://", "postgis://")


class SetupError(Exception):
    """The run cannot start: say why and exit with status 2."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_environment(**extra: str) -> dict[str, str]:
    """Return this process's environment with mlfit's production settings, plus `extra`."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="mlfit.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_COOKIES="false",
        DJANGO_SECURE_SSL_REDIRECT="false",  # plain HTTP on loopback, no TLS proxy
        DJANGO_LOG_LEVEL="WARNING",
        **extra,
    )
    return env


def server_environment() -> dict[str, str]:
    """Production settings for one gunicorn that every simulated client reaches from one address.

    The run measures the site, not the per-client limits on Start and POSTs.
    """
    return production_environment(MLFIT_START_LIMIT="1000000", MLFIT_POST_LIMIT="1000000")


def manage(env: dict[str, str], *command: str) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SetupError(f"manage.py {' '.join(command)} failed:\n{done.stdout}{done.stderr}")


def prepare_site(env: dict[str, str], how_to_run: str) -> None:
    """On PostgreSQL only: set Django up here with `env`'s settings, migrate, load, collect.

    This process then checks the database through the ORM with the very settings
    the servers use. Production mode serves hashed static files from a manifest.
    """
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(POSTGRES_URL):
        raise SetupError(
            "this runs on PostgreSQL only, and DATABASE_URL "
            f"{'is ' + url.split(':')[0] if url else 'is not set (SQLite)'}. Run it as\n"
            f"  scripts/with-postgres {how_to_run}"
        )
    os.environ.update({k: v for k, v in env.items() if k.startswith("DJANGO_")})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    manage(env, "migrate", "--noinput")
    manage(env, "load_questionnaire")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")


# -- Processes -----------------------------------------------------------------------------


class Process:
    """One server process in its own process group, its output in a log file."""

    def __init__(
        self, name: str, command: list[str], log: Path, env: dict | None = None, cwd: Path = ROOT
    ) -> None:
        self.name, self.command, self.log, self.env, self.cwd = name, command, log, env, cwd
        self.popen: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "a") as out:
            self.popen = subprocess.Popen(
                self.command,
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send `sig` to the whole group (a gunicorn master and its workers)."""
        if self.popen and self.popen.poll() is None:
            os.killpg(self.popen.pid, sig)

    def stop(self) -> None:
        if self.popen is None:
            return
        if self.popen.poll() is None:
            self.kill(signal.SIGTERM)
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill(signal.SIGKILL)
                self.popen.wait()
        with contextlib.suppress(OSError):
            os.killpg(self.popen.pid, signal.SIGKILL)  # workers left behind by a killed master

    def tail(self, lines: int = 20) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def http_answer(port: int, path: str) -> int | str:
    """GET `path` from 127.0.0.1:port; return the status, or what went wrong."""
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", path)
        response = connection.getresponse()
        connection.close()
        return response.status
    except OSError as error:
        return repr(error)


def wait_for_http(
    port: int,
    path: str,
    process: Process,
    seconds: float = 60,
    ready: Callable[[], bool] = lambda: True,
) -> None:
    """Wait until `process` serves `path` with a 200 and `ready()` holds."""
    give_up = time.monotonic() + seconds
    answer: int | str = "no answer"
    while time.monotonic() < give_up:
        if process.popen.poll() is not None:
            raise SetupError(f"{process.name} exited at start:\n{process.tail()}")
        answer = http_answer(port, path)
        if answer == 200 and ready():
            return
        time.sleep(0.2)
    raise SetupError(
        f"{process.name} did not serve {path} within {seconds:.0f} s (last answer: "
        f"{answer}):\n{process.tail()}"
    )


def wait_for_port(port: int, process: Process, seconds: float = 20) -> None:
    give_up = time.monotonic() + seconds
    while time.monotonic() < give_up:
        if process.popen.poll() is not None:
            raise SetupError(f"{process.name} exited at start:\n{process.tail()}")
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SetupError(f"{process.name} did not listen on {port}:\n{process.tail()}")


class Server:
    """gunicorn serving mlfit on 127.0.0.1:port; its output goes to a log file."""

    def __init__(self, workers: int, threads: int, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.log_path = log
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "mlfit.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "-k",
            "sync" if threads == 1 else "gthread",
            "--threads",
            str(threads),
            "--no-control-socket",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
        ]
        self.start(command, ROOT, env, STATIC_PATH)

    def start(self, command: list[str], cwd: Path, env: dict[str, str], ready_path: str) -> None:
        """Run gunicorn and wait until it serves `ready_path`; stop it if it never does."""
        self.log_path.write_text("")
        self.runner = Process("gunicorn", command, self.log_path, env, cwd)
        self.runner.start()
        try:
            wait_for_http(self.port, ready_path, self.runner, ready=self.is_ready)
        except BaseException:
            self.stop()
            raise

    @property
    def process(self) -> subprocess.Popen:
        return self.runner.popen

    def is_ready(self) -> bool:
        """Return whether gunicorn may take requests once it answers (every worker is up)."""
        return True

    def workers(self) -> set[int]:
        """Return the process ids of gunicorn's workers (children of the master)."""
        children = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                children.add(int(stat.parent.name))
        return children

    def log_tail(self, lines: int = 30) -> str:
        return self.runner.tail(lines)

    def stop(self) -> None:
        self.runner.stop()


def log_summary(log: Path) -> Counter:
    """Return gunicorn's and Django's log lines, counted, with ids and times blanked out."""
    lines: Counter = Counter()
    for line in log.read_text(errors="replace").splitlines():
        line = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>", line)
        line = re.sub(r"^\[[^]]*\] \[\d+\]", "[time] [pid]", line)
        if line.strip():
            lines[line.strip()[:240]] += 1
    return lines


# -- PostgreSQL, restarted -------------------------------------------------------------------


def pg_ctl(*arguments: str) -> None:
    command = [f"{os.environ['MLFIT_PG_BIN']}/pg_ctl", "-D", os.environ["MLFIT_PG_DATA"]]
    command += arguments
    user = os.environ.get("MLFIT_PG_USER", "")
    if user and os.geteuid() == 0:
        command = ["runuser", "-u", user, "--", *command]
    done = subprocess.run(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.decode().strip()}")


def restart_postgres(outage: float) -> None:
    """Stop PostgreSQL for `outage` seconds and start it again (0: pg_ctl restart -m fast)."""
    log = os.environ.get("MLFIT_PG_LOG", os.devnull)
    if outage <= 0:
        pg_ctl("restart", "-m", "fast", "-w", "-l", log)
        return
    pg_ctl("stop", "-m", "fast", "-w")
    time.sleep(outage)
    pg_ctl("start", "-w", "-l", log, "-o", os.environ.get("MLFIT_PG_OPTS", ""))
