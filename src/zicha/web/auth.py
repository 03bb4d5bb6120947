"""How API callers prove who they are.

`Authorization: Bearer TOKEN` (and DHIS2 clients' `ApiToken TOKEN`) for scripts; the session and
CSRF of the login page for browsers. A call without valid credentials answers 401, never a
redirect.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

SCHEMES = ("bearer", "apitoken")


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer TOKEN` or `ApiToken TOKEN`."""

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        from zicha.storage.source import token_user

        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() not in SCHEMES:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("令牌格式不对：应为 Authorization: Bearer 令牌")
        user = token_user(header[1])
        if user is None or not user.is_active:
            raise exceptions.AuthenticationFailed("令牌无效或已停用，请重新获取（POST /api/token）")
        return user, header[1]

    def authenticate_header(self, request: Any) -> str:
        return 'Bearer realm="zicha"'


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser's session (with CSRF on writes)."""


class BearerScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """How the OpenAPI document describes the bearer token."""

    target_class = "zicha.web.auth.BearerTokenAuthentication"
    name = "bearer"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "POST /api/token 取得的令牌"}


class SessionScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """The browser's session cookie."""

    target_class = "zicha.web.auth.SessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
