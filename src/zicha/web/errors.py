"""How the API's refusals read: JSON with a Chinese message, 401 for missing credentials."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

MESSAGES = {
    status.HTTP_401_UNAUTHORIZED: (
        "未登录或令牌无效：请先登录，或在请求头中带上 Authorization: Bearer 令牌"
    ),
    status.HTTP_403_FORBIDDEN: "没有权限进行此操作",
    status.HTTP_404_NOT_FOUND: "没有找到",
    status.HTTP_405_METHOD_NOT_ALLOWED: "不支持此请求方法",
}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with Chinese messages for the common refusals."""
    response = drf_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        response.status_code = status.HTTP_401_UNAUTHORIZED
        detail = exc.detail if isinstance(exc, exceptions.AuthenticationFailed) else None
        response.data = {"detail": str(detail or MESSAGES[401])}
    elif isinstance(exc, exceptions.PermissionDenied) and response.status_code == 403:
        response.data = {"detail": str(exc.detail) if exc.detail else MESSAGES[403]}
    elif isinstance(exc, Http404 | exceptions.NotFound | exceptions.MethodNotAllowed):
        response.data = {"detail": MESSAGES.get(response.status_code, str(exc))}
    return response
