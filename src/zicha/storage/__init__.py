"""The database: the server tier's source of facts (Django models, queries, configuration).

Nothing here knows of HTTP or pages; the web layer and the server's actions build on it. Django is
configured by `zicha.storage.config` before any model is imported.
"""
