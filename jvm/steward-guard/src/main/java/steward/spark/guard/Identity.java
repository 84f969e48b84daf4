package steward.spark.guard;

/**
 * Who runs the statement: the team (null: none) and where it came from
 * (`spark.steward.team`, or the session user mapped through the registry's members).
 */
public record Identity(String team, String source) {}
