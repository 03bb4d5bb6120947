"""The Django application of the pages and the API (templates and static files live here)."""

from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "zicha.web"
    label = "web"
    verbose_name = "zicha 网页"
