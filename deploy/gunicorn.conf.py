"""gunicorn settings for one mlfit instance: `gunicorn -c deploy/gunicorn.conf.py mlfit.wsgi`.

Read from the environment, so that two instances on one machine differ only in
GUNICORN_BIND. nginx in front buffers requests and answers, so sync workers
never wait on a slow client; each handles one request at a time.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
# Two instances share the machine: by default each gets one worker per core.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
worker_class = "sync"
# A request that takes longer than this is killed (the worker is replaced).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10
# Only nginx talks to gunicorn, and it opens a connection per request.
keepalive = 2
# Replace workers now and then, so that a slow leak never grows.
max_requests = 2000
max_requests_jitter = 200
# Headers and request lines: nginx already limits these; the same figures here.
limit_request_line = 8190
limit_request_fields = 100
# Errors to stderr; nginx keeps the access log.
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
accesslog = None
# The proxy headers Django reads come from nginx on this machine only.
forwarded_allow_ips = "127.0.0.1"
control_socket_disable = True
