"""Django settings for the test suite: a throw-away data folder; SQLite unless
`ZICHA_TEST_DATABASE_URL` names a PostgreSQL server to run the server suite against."""

from __future__ import annotations

import os
import tempfile

os.environ["ZICHA_DATA"] = os.environ.get("ZICHA_TEST_DATA") or tempfile.mkdtemp(
    prefix="zicha-test-"
)
if os.environ.get("ZICHA_TEST_DATABASE_URL"):
    os.environ["ZICHA_DATABASE_URL"] = os.environ["ZICHA_TEST_DATABASE_URL"]
else:
    os.environ.pop("ZICHA_DATABASE_URL", None)

from zicha.web.settings import *  # noqa: F403

# hashing passwords at full strength makes every login in the tests cost a quarter second
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
