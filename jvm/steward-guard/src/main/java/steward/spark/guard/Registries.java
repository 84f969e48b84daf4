package steward.spark.guard;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry file of `spark.steward.registry`, read again only when it changed (its
 * modification time or size), so `steward guard export` takes effect on the next statement.
 */
final class Registries {
  /** A registry, or the reason there is none. */
  record Loaded(GuardRegistry registry, String problem) {}

  private record Stamp(FileTime modified, long size, Loaded loaded) {}

  private static final ConcurrentHashMap<Path, Stamp> CACHE = new ConcurrentHashMap<>();

  private Registries() {}

  static Loaded load(String setting) {
    if (setting == null || setting.isBlank()) {
      return new Loaded(null, "spark.steward.registry is not set");
    }
    Path path = Path.of(setting.strip()).toAbsolutePath().normalize();
    if (!Files.isRegularFile(path)) {
      return new Loaded(null, "the steward registry file " + path
          + " (spark.steward.registry) does not exist");
    }
    try {
      FileTime modified = Files.getLastModifiedTime(path);
      long size = Files.size(path);
      Stamp stamp = CACHE.get(path);
      if (stamp != null && stamp.modified().equals(modified) && stamp.size() == size) {
        return stamp.loaded();
      }
      Loaded loaded;
      try {
        loaded = new Loaded(GuardRegistry.read(path), null);
      } catch (RegistryException e) {
        loaded = new Loaded(null, e.getMessage());
      }
      CACHE.put(path, new Stamp(modified, size, loaded));
      return loaded;
    } catch (java.io.IOException e) {
      return new Loaded(null, "cannot read the steward registry file " + path + " ("
          + e.getMessage() + ")");
    }
  }
}
