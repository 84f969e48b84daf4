"""`steward build`: a team's `dbt build`, on the embedded lakehouse or the cluster."""
