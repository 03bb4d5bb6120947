"""zicha (自查): self-inspection reports computed from a township office's own data."""

__version__ = "0.1.0"
