"""Packs: folders of TOML files that define one kind of work, loaded into domain objects."""
