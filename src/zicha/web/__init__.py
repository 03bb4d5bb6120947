"""The county server: Django views, the JSON API and the pages, served by waitress.

`zicha.web.server` prepares the data folder and the database and serves; the views stay thin and
call `zicha.actions` for every use case.
"""
