package steward.spark.guard;

/** Where a governed namespace (table null) or table keeps its files. */
public record Location(String path, String namespace, String table) {
  public Location {
    path = Paths.normalise(path);
  }

  public String shown() {
    return table == null ? "namespace `" + namespace + "`" : "table `" + namespace + "." + table + "`";
  }

  /** Whether a write to `target` (normalised) lands in, or above, these files. */
  public boolean hitBy(String target) {
    return Paths.under(target, path) || Paths.under(path, target);
  }
}
