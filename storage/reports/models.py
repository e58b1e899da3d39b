"""The reports' tortoise app. Reports read the other apps' tables and keep none of their own
yet; the app holds the index they read check-in answers by (its migrations)."""

import warnings

# An app of migrations only is what this is meant to be: tortoise need not say so at each start.
warnings.filterwarnings("ignore", message='Module "storage.reports.models" has no models')

#: Tables of this app, children first.
TABLES: tuple[str, ...] = ()
