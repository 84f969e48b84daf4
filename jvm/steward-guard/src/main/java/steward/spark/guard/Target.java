package steward.spark.guard;

import java.util.Locale;

/** What a write touches: a namespace, a relation in one, or a storage path. */
public record Target(Kind kind, String namespace, String name, String path) {
  public enum Kind {
    NAMESPACE,
    RELATION,
    PATH
  }

  public static Target namespace(String namespace) {
    return new Target(Kind.NAMESPACE, namespace.toLowerCase(Locale.ROOT), null, null);
  }

  public static Target relation(String namespace, String name) {
    return new Target(Kind.RELATION, namespace.toLowerCase(Locale.ROOT), name, null);
  }

  public static Target path(String path) {
    return new Target(Kind.PATH, null, null, Paths.normalise(path));
  }

  /** `silver_platform`, `silver_platform.readings` or the path. */
  public String shown() {
    return switch (kind) {
      case NAMESPACE -> namespace;
      case RELATION -> namespace + "." + name;
      case PATH -> path;
    };
  }
}
