"""The WSGI application: Django, with exam day's answer saves served before its middleware
(recruitment/exam/hot_path.py says why and what they still get)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_wsgi_application()

from recruitment.exam.hot_path import serve_answers  # noqa: E402  (Django is set up above)

application = serve_answers(django_application)
