"""Operations: the run history in the platform's ops tables (`record`, `store`, `tables`),
Spark metrics per node from the event log (`events`), chargeback (`cost`, `chargeback`),
health and alerts (`health`, `anomaly`, `healthcheck`, `alerts`), OpenLineage events
(`openlineage`), and the read API other tools call (`read`). See the README,
"Operations: steward cost, steward health"."""
