package steward.spark.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The registry file that `steward guard export` writes from the project's registry
 * (platform/teams.yml): for one environment, every team's namespaces (with the
 * environment's prefix, landing included) and the owner of every governed namespace.
 *
 * <p>Nothing here derives a namespace: the names come from steward's Python `Registry`, so
 * the Python guard and this one cannot drift. The only matching rule of its own is for
 * another environment's copy of a namespace (`dev_alice_silver_platform`): a name that ends
 * in `_` plus a production namespace belongs to that namespace's owner.
 */
public final class GuardRegistry {
  public static final int FORMAT = 1;

  private final String file;
  private final String source;
  private final String env;
  private final Map<String, TeamEntry> teams;
  private final Map<String, String> namespaces;
  private final Map<String, String> production;

  GuardRegistry(
      String file,
      String source,
      String env,
      Map<String, TeamEntry> teams,
      Map<String, String> namespaces,
      Map<String, String> production) {
    this.file = file;
    this.source = source;
    this.env = env;
    this.teams = Collections.unmodifiableMap(teams);
    this.namespaces = Collections.unmodifiableMap(namespaces);
    this.production = Collections.unmodifiableMap(production);
  }

  /** Reads the file; any problem is a {@link RegistryException} naming the file. */
  public static GuardRegistry read(Path path) throws RegistryException {
    String text;
    try {
      text = Files.readString(path);
    } catch (IOException e) {
      throw new RegistryException(
          "cannot read the steward registry file " + path + " (" + e.getClass().getSimpleName()
              + ": " + e.getMessage() + ")");
    }
    return parse(text, path.toString());
  }

  public static GuardRegistry parse(String text, String file) throws RegistryException {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(text);
    } catch (IOException e) {
      throw new RegistryException("the steward registry file " + file + " is not JSON: "
          + e.getMessage().lines().findFirst().orElse(""));
    }
    if (root == null || !root.isObject() || root.path("steward_guard").asInt(0) != FORMAT) {
      throw new RegistryException("the steward registry file " + file
          + " is not a registry export of format " + FORMAT + " (write it with `steward guard"
          + " export`)");
    }
    Map<String, TeamEntry> teams = new LinkedHashMap<>();
    for (JsonNode team : root.path("teams")) {
      String id = text(team, "id");
      if (id.isEmpty()) {
        throw new RegistryException("the steward registry file " + file + " has a team without id");
      }
      teams.put(id, new TeamEntry(id, text(team, "contact"), text(team, "channel"),
          strings(team.path("members")), strings(team.path("namespaces"))));
    }
    return new GuardRegistry(file, text(root, "registry"), text(root, "env"), teams,
        owners(root.path("namespaces")), owners(root.path("production_namespaces")));
  }

  private static String text(JsonNode node, String key) {
    JsonNode value = node.get(key);
    return value == null || value.isNull() ? "" : value.asText();
  }

  private static List<String> strings(JsonNode array) {
    List<String> result = new ArrayList<>();
    for (JsonNode item : array) {
      result.add(item.asText().toLowerCase(Locale.ROOT));
    }
    return Collections.unmodifiableList(result);
  }

  private static Map<String, String> owners(JsonNode object) {
    Map<String, String> result = new LinkedHashMap<>();
    object.fields().forEachRemaining(e -> result.put(e.getKey().toLowerCase(Locale.ROOT),
        e.getValue().asText()));
    return result;
  }

  /** Where the file was read from. */
  public String file() {
    return file;
  }

  /** The registry it was exported from (`platform/teams.yml`). */
  public String source() {
    return source;
  }

  public String env() {
    return env;
  }

  public Optional<TeamEntry> team(String id) {
    return Optional.ofNullable(id == null ? null : teams.get(id));
  }

  public Map<String, TeamEntry> teams() {
    return teams;
  }

  /** The team a session user belongs to (registry `members`), if exactly one. */
  public Optional<String> teamOfUser(String user) {
    if (user == null || user.isEmpty()) {
      return Optional.empty();
    }
    String name = user.toLowerCase(Locale.ROOT);
    List<String> found = new ArrayList<>();
    for (TeamEntry team : teams.values()) {
      if (team.members().contains(name)) {
        found.add(team.id());
      }
    }
    return found.size() == 1 ? Optional.of(found.get(0)) : Optional.empty();
  }

  /**
   * The team owning `namespace`: this environment's namespaces first, then production's
   * (seen from another environment), then another environment's copy of a production
   * namespace (`<env>_<namespace>`). Empty: not governed.
   */
  public Optional<String> ownerOf(String namespace) {
    String name = namespace.toLowerCase(Locale.ROOT);
    String owner = namespaces.get(name);
    if (owner == null) {
      owner = production.get(name);
    }
    if (owner == null) {
      String longest = null;
      for (String candidate : production.keySet()) {
        if (name.endsWith("_" + candidate)
            && (longest == null || candidate.length() > longest.length())) {
          longest = candidate;
        }
      }
      owner = longest == null ? null : production.get(longest);
    }
    return Optional.ofNullable(owner);
  }

  /** Whether team `team` writes `namespace` in this registry's environment. */
  public boolean owns(String team, String namespace) {
    return team(team).map(t -> t.namespaces().contains(namespace.toLowerCase(Locale.ROOT)))
        .orElse(false);
  }
}
