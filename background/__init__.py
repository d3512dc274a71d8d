"""Background work: Django's tasks API on PostgreSQL, run by `manage.py worker`.

The ground of the project beside `digest/`: it imports neither `articles` nor
`accounts`. See README "Background work".
"""
