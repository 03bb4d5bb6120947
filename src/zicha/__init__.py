"""zicha (自查): self-inspection reports computed from a township office's own data."""

import os

__version__ = "0.1.0"

# polars allocates through its own jemalloc (on Linux), which by default keeps an arena per
# thread, four per core, and a cache in each thread: memory one thread freed is not reused by the
# next, and reading a province's registers peaked 6-25 % higher than with one arena without
# thread caches, which costs no measurable time here (docs/decisions.md). It takes effect only
# when zicha is imported before polars, and a setting of the caller's own is kept.
os.environ.setdefault("_RJEM_MALLOC_CONF", "narenas:1,tcache:false")
