"""gunicorn settings for `make serve`, every value from the environment.

GUNICORN_WORKERS   processes (default CPU cores + 1: rendering a page is CPU work, so more
                   processes than that only queue for the cores; 3 on a 2-core machine)
GUNICORN_THREADS   threads per process (default 1: sync workers; more switches to gthread)
GUNICORN_BIND      address (default 127.0.0.1:8000; behind a proxy or load balancer)
GUNICORN_TIMEOUT   seconds before a stuck worker is replaced (default 30)
"""

import multiprocessing
import os
from pathlib import Path

import environ

# The same .env file the settings read (values already in the environment win).
environ.Env.read_env(Path(__file__).resolve().parent / ".env")

wsgi_app = "newsroom.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
# A worker is replaced after this many requests (with jitter, so they do not all restart
# at once): a guard against slow memory growth.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = max_requests // 10
# Load the app once in the master: workers fork with Django imported, and a broken settings
# file stops the server at start instead of in every worker.
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# X-Forwarded-* headers are trusted from these addresses only (the proxy or load balancer).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
