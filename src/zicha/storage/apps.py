"""The Django application holding zicha's tables."""

from __future__ import annotations

from django.apps import AppConfig


class StorageConfig(AppConfig):
    name = "zicha.storage"
    label = "storage"
    verbose_name = "zicha 数据"
    default_auto_field = "django.db.models.BigAutoField"
