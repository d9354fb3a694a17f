"""gunicorn settings for production: ``gunicorn -c config/gunicorn.py config.wsgi`` (README,
Production).

The exam-day figures of the README were measured with these values (benchmarks/_exam.py): threads
keep a worker busy while one request waits on PostgreSQL; a worker is replaced after ~20,000
requests so a slow leak never grows; 30 s to finish the requests in flight on a restart.
Each value can be overridden from the environment of the systemd unit."""
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
max_requests = 20_000
max_requests_jitter = 2_000
# a large import runs on Celery, not in a request
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# nginx on the same host sets X-Forwarded-Proto; trust it only from there.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# The access log on stdout (journald), with the request id the application also logs and audits.
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s'
