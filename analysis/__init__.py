"""Statistics of the drivers marts: migration system indices, distances, association and the
gravity model. Imported by the dbt Python models of dbt_project/models/intermediate/drivers
(PYTHONPATH is the repository root when the refresh runs dbt); never imports dbt itself."""
