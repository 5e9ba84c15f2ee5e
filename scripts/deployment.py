"""deploy/ on loopback for scripts/topology.py: Redis, two gunicorns and nginx in front.

Every process gets a free loopback port and keeps its files in one temporary
directory; `Topology.stop()` ends them all. nginx's configuration is
rendered from deploy/nginx.conf.template and checked with `nginx -t` first.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import badrequests
from servers import (
    ROOT,
    Process,
    SetupError,
    free_port,
    production_environment,
    wait_for_http,
    wait_for_port,
)

DEPLOY = ROOT / "deploy"
START_LIMIT = 30  # MLFIT_START_LIMIT: Starts a client may make, counted in Redis
MAX_BODY = badrequests.MAX_BODY
WORKERS = 2  # per gunicorn instance
ACCESS = re.compile(
    r'^(?P<addr>\S+) \[[^]]*\] "(?P<request>[^"]*)" (?P<status>\d+) \d+ '
    r"upstream=(?P<upstream>\S+(?:, \S+)*) upstream_status=(?P<ustatus>\S+(?:, \S+)*) "
    r"time=(?P<time>[\d.]+) msec=(?P<msec>[\d.]+)$"
)


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if not found:
        raise SetupError("nginx is not installed (Debian: apt-get install nginx)")
    return found


def app_environment(redis_port: int) -> dict[str, str]:
    """Production settings behind nginx, with the Redis cache and the real limits."""
    return production_environment(
        MLFIT_CACHE_URL=f"redis://127.0.0.1:{redis_port}/0",
        MLFIT_CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR",
        MLFIT_START_LIMIT=str(START_LIMIT),
        MLFIT_MAX_REQUEST_BYTES=str(MAX_BODY),
    )


class Topology:
    """Redis, two gunicorns and nginx in a temporary directory; stop() ends them all."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.redis_port, self.nginx_port = free_port(), free_port()
        self.app_ports = [free_port(), free_port()]
        self.processes: list[Process] = []
        self.redis = Process(
            "redis-server",
            [
                shutil.which("redis-server") or "redis-server",
                "--port", str(self.redis_port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(tmp),
                "--daemonize", "no",
            ],
            tmp / "redis.log",
        )  # fmt: skip
        self.env = app_environment(self.redis_port)
        self.apps = [
            Process(
                f"gunicorn {k + 1}",
                [sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py")]
                + ["mlfit.wsgi:application"],
                tmp / f"gunicorn-{k + 1}.log",
                {
                    **self.env,
                    "GUNICORN_BIND": f"127.0.0.1:{port}",
                    "GUNICORN_WORKERS": str(WORKERS),
                },
            )
            for k, port in enumerate(self.app_ports)
        ]
        self.nginx_dir = tmp / "nginx"
        self.nginx = Process(
            "nginx",
            [nginx_binary(), "-p", str(self.nginx_dir), "-c", str(self.nginx_dir / "nginx.conf")]
            + ["-e", str(self.nginx_dir / "error.log")],
            tmp / "nginx.out",
        )

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.nginx_port}"

    def start(self) -> None:
        self.processes = [self.redis]
        self.redis.start()
        wait_for_port(self.redis_port, self.redis)
        for app, port in zip(self.apps, self.app_ports, strict=True):
            self.processes.append(app)
            app.start()
            wait_for_http(port, "/health/", app)
        self.render_nginx()
        self.processes.append(self.nginx)
        self.nginx.start()
        wait_for_http(self.nginx_port, "/health/", self.nginx)

    def render_nginx(self) -> None:
        self.nginx_dir.mkdir()
        values = {
            "user": pwd.getpwuid(os.geteuid()).pw_name,
            "run_dir": str(self.nginx_dir),
            "listen": self.host,
            "app_1": f"127.0.0.1:{self.app_ports[0]}",
            "app_2": f"127.0.0.1:{self.app_ports[1]}",
            "static_root": str(ROOT / "staticfiles"),
            "max_body": str(MAX_BODY),
            "mime_types": "/etc/nginx/mime.types",
        }
        text = (DEPLOY / "nginx.conf.template").read_text()
        for name, value in values.items():
            text = text.replace("{{" + name + "}}", value)
        unfilled = re.findall(r"{{\w+}}", text)
        if unfilled:
            raise SetupError(f"nginx.conf.template: nothing to fill in {unfilled}")
        (self.nginx_dir / "nginx.conf").write_text(text)
        checked = subprocess.run(
            [*self.nginx.command, "-t"], capture_output=True, text=True, cwd=ROOT
        )
        if checked.returncode != 0:
            raise SetupError(f"nginx -t refused the rendered config:\n{checked.stderr}")

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()

    def restart_redis(self) -> float:
        """Stop Redis, wait a second, start it again; return the seconds it was away."""
        went = time.perf_counter()
        self.redis.stop()
        time.sleep(1.0)
        self.redis.start()
        wait_for_port(self.redis_port, self.redis)
        return time.perf_counter() - went

    def access_log(self) -> list[dict]:
        lines = (self.nginx_dir / "access.log").read_text(errors="replace").splitlines()
        return [m.groupdict() for line in lines if (m := ACCESS.match(line))]

    def logs(self) -> list[Path]:
        return [*self.tmp.glob("*.log"), *self.nginx_dir.glob("*.log")]
