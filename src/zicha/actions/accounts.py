"""User accounts of the server: one role and one org unit each."""

from __future__ import annotations

from django.db import transaction

from zicha.domain.errors import InputError, Problem
from zicha.storage import models as m

ROLE_NAMES = dict(m.ROLES)


def add_user(name: str, role: str, org: str, password: str) -> tuple[m.User, bool]:
    """Add a user, or update the role, unit and password of an existing one.
    Returns the user and whether it was created."""
    problems: list[Problem] = []
    if not name.strip():
        problems.append(Problem(column="NAME", found=name, expected="用户名"))
    if role not in ROLE_NAMES:
        roles = "、".join(f"{k}（{v}）" for k, v in ROLE_NAMES.items())
        problems.append(Problem(option="--role", found=role, expected=f"{roles}之一"))
    unit = m.OrgUnit.objects.filter(code=org.strip()).first()
    if unit is None:
        known = "、".join(str(u) for u in m.OrgUnit.objects.order_by("path")[:8])
        problems.append(
            Problem(
                option="--org",
                found=org,
                expected=f"已有的单位代码（{known}）"
                if known
                else "已有的单位代码（请先 zicha load 导入组织机构）",
            )
        )
    if len(password) < 8:
        problems.append(Problem(column="密码", message="密码至少 8 个字符"))
    if problems:
        raise InputError(problems)
    with transaction.atomic():
        user, created = m.User.objects.get_or_create(username=name.strip())
        user.role = role
        user.org = unit
        user.is_staff = role == "admin"
        user.set_password(password)
        user.save()
    return user, created
