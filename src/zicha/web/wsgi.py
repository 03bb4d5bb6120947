"""The WSGI application (waitress serves it; any WSGI server can)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zicha.web.settings")
application = get_wsgi_application()
