package steward.spark.guard;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The decision on one write, free of Spark: allowed (empty) or the refusal's message.
 *
 * <p>A write into a governed namespace (one a team of the registry owns) is allowed only to
 * its owner, in the registry's environment; a write by path only when it lands in no
 * governed namespace's or table's files, or in the writer's own. Writes into namespaces no
 * team owns are not this guard's business. Without a readable registry nothing is known to
 * be safe, so every write is refused (reads never reach this class).
 */
public final class Decision {
  public static final String RULE = "WRT001";

  private Decision() {}

  public static Optional<String> check(
      GuardRegistry registry,
      String registryProblem,
      Identity who,
      Write write,
      Supplier<List<Location>> locations) {
    if (registry == null) {
      return Optional.of(head(write) + ": " + registryProblem + ", so the guard cannot tell"
          + " whose namespace this is and refuses every write (fail closed). Nothing was"
          + " written. Instead: write the file with `steward guard export --out PATH` and set"
          + " spark.steward.registry=PATH (steward's profile and `steward build` do both).");
    }
    Target target = write.target();
    if (target == null) {
      return Optional.of(head(write) + ": the guard cannot tell what this command writes, so"
          + " it refuses it (what it cannot check, it does not let through). Nothing was"
          + " written. Instead: name the table you write (INSERT, MERGE, CREATE ... on a table"
          + " of your namespace), or ask the platform team to teach steward this command.");
    }
    if (target.kind() == Target.Kind.PATH) {
      Location hit = null;
      for (Location location : locations.get()) {
        boolean foreign = location.hitBy(target.path())
            && registry.ownerOf(location.namespace()).isPresent()
            && !registry.owns(who.team(), location.namespace());
        // the most specific one: the table rather than its namespace's folder
        if (foreign && (hit == null || location.path().length() > hit.path().length())) {
          hit = location;
        }
      }
      if (hit == null) {
        return Optional.empty();
      }
      return Optional.of(refusal(registry, who, write, hit.namespace(),
          registry.ownerOf(hit.namespace()).get(),
          " (the files of " + hit.shown() + ", at " + hit.path() + ")",
          "write to a table of your own namespace by name and let the catalog place its"
              + " files; a write by path into another team's folder bypasses every"
              + " namespace."));
    }
    String namespace = target.namespace();
    Optional<String> owner = registry.ownerOf(namespace);
    if (owner.isEmpty() || registry.owns(who.team(), namespace)) {
      return Optional.empty();
    }
    String advice = registry.team(owner.get())
        .filter(t -> who.team() != null && !t.id().equals(who.team()))
        .map(t -> "ask " + t.reach() + " for the change, or build what you need in your own"
            + " namespace from their public model.")
        .orElse("write only to your own namespaces of environment " + registry.env() + ".");
    return Optional.of(refusal(registry, who, write, namespace, owner.get(), "", advice));
  }

  private static String head(Write write) {
    String on = write.target() == null ? "" : " on `" + write.target().shown() + "`";
    return "steward guard refused a write (rule " + RULE + "): " + write.operation() + " ("
        + write.node() + ")" + on;
  }

  private static String refusal(
      GuardRegistry registry,
      Identity who,
      Write write,
      String namespace,
      String owner,
      String files,
      String advice) {
    String where = " (registry " + registry.source() + ", exported to " + registry.file() + ")";
    String writer;
    if (who.team() == null) {
      writer = "no team is set (" + who.source() + "), so this session may not write any"
          + " governed namespace";
      advice = "set spark.steward.team=<your team> (STEWARD_TEAM for steward's profile), or"
          + " connect as a member of your team.";
    } else if (registry.team(who.team()).isEmpty()) {
      writer = "this session's team " + who.team() + " (" + who.source() + ") is not in the"
          + " registry; the teams are " + String.join(", ", registry.teams().keySet());
      advice = "set spark.steward.team to your team's id.";
    } else {
      TeamEntry team = registry.team(who.team()).get();
      writer = "this session writes as team " + team.id() + " (" + who.source() + "), which"
          + " writes only " + String.join(", ", team.namespaces()) + " in environment "
          + registry.env();
    }
    String owned = owner.equals(who.team())
        ? "another environment's namespace `" + namespace + "` of team " + owner
        : "namespace `" + namespace + "` owned by team " + owner;
    return head(write) + files + ", in " + owned + "; " + writer + where
        + ". Nothing was written. Instead: " + advice;
  }
}
