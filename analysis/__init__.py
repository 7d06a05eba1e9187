"""Statistics of the drivers marts: migration system indices, distances, association and the
gravity model. Imported by the dbt Python models of dbt_project/models/intermediate/drivers
(PYTHONPATH is the repository root when the refresh runs dbt); never imports dbt itself."""

# The libraries the dbt Python models of the drivers marts import (~2 s together on a cold
# process). pipeline/dbt_worker.py imports them in a background thread while dbt parses and
# builds the SQL models, so the Python models find them loaded.
WARM_IMPORTS = ("pandas", "scipy.stats", "statsmodels.api")
