package steward.spark.guard;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.catalog.SessionCatalog;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.internal.SQLConf;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * The check rule: run by Spark's analyzer on every analysed plan, before anything of it
 * executes. The team, the registry and the catalog are read anew for each plan, so a
 * `SET spark.steward.team` takes effect on the next statement.
 */
final class GuardCheck extends AbstractFunction1<LogicalPlan, BoxedUnit> {
  private final SparkSession session;

  GuardCheck(org.apache.spark.sql.SparkSession session) {
    this.session = (SparkSession) session;
  }

  @Override
  public BoxedUnit apply(LogicalPlan plan) {
    SessionCatalog catalog = session.sessionState().catalog();
    List<Write> writes = PlanWrites.of(plan, catalog);
    if (writes.isEmpty()) {
      return BoxedUnit.UNIT;
    }
    SQLConf conf = session.sessionState().conf();
    Registries.Loaded loaded = Registries.load(registrySetting(conf));
    Identity who = identity(conf, loaded.registry());
    Supplier<List<Location>> locations = memoized(() -> locations(catalog, loaded.registry()));
    for (Write write : writes) {
      Decision.check(loaded.registry(), loaded.problem(), who, write, locations)
          .ifPresent(message -> {
            throw new WriteRefusedException(message);
          });
    }
    return BoxedUnit.UNIT;
  }

  /**
   * This session's `spark.steward.registry`; when it was never set on this session (a
   * `newSession()` starts from the settings the process started with), the default
   * session's, which dbt's connections set for each run. The team is never inherited.
   * With `spark.steward.team.fromUser` (a shared Thrift Server) only the server's own
   * setting counts.
   */
  private String registrySetting(SQLConf conf) {
    String initial = session.sparkContext().conf().get(StewardGuardExtension.REGISTRY, "");
    if (session.sparkContext().conf().getBoolean(StewardGuardExtension.TEAM_FROM_USER, false)) {
      return initial; // a shared server's rules: a client's SET must not point elsewhere
    }
    String own = conf.getConfString(StewardGuardExtension.REGISTRY, "");
    if (!own.equals(initial)) {
      return own;
    }
    scala.Option<org.apache.spark.sql.classic.SparkSession> fallback =
        org.apache.spark.sql.classic.SparkSession.getDefaultSession();
    if (fallback.isEmpty() || fallback.get() == session) {
      return own;
    }
    return fallback.get().sessionState().conf().getConfString(StewardGuardExtension.REGISTRY, own);
  }

  private Identity identity(SQLConf conf, GuardRegistry registry) {
    boolean fromUser = session.sparkContext().conf()
        .getBoolean(StewardGuardExtension.TEAM_FROM_USER, false);
    String team = conf.getConfString(StewardGuardExtension.TEAM, "").strip();
    if (!fromUser && !team.isEmpty()) {
      return new Identity(team, StewardGuardExtension.TEAM);
    }
    String user = user();
    String source = "session user " + user + ", "
        + (fromUser ? "" : StewardGuardExtension.TEAM + " unset, ");
    if (registry == null) {
      return new Identity(null, source + "no registry");
    }
    return registry.teamOfUser(user)
        .map(t -> new Identity(t, source + "member of team " + t))
        .orElseGet(() -> new Identity(null, source + "in no team's members"));
  }

  private static String user() {
    try {
      return UserGroupInformation.getCurrentUser().getShortUserName();
    } catch (java.io.IOException e) {
      return System.getProperty("user.name", "");
    }
  }

  /** Where each governed namespace and each of its tables keeps its files. */
  private static List<Location> locations(SessionCatalog catalog, GuardRegistry registry) {
    List<Location> result = new ArrayList<>();
    if (registry == null) {
      return result;
    }
    scala.collection.Iterator<String> databases = catalog.listDatabases().iterator();
    while (databases.hasNext()) {
      String database = databases.next();
      if (registry.ownerOf(database).isEmpty()) {
        continue;
      }
      result.add(new Location(catalog.getDatabaseMetadata(database).locationUri().toString(),
          database, null));
      scala.collection.Iterator<TableIdentifier> tables = catalog.listTables(database).iterator();
      while (tables.hasNext()) {
        TableIdentifier id = tables.next();
        try {
          CatalogTable table = catalog.getTableMetadata(id);
          if (table.storage().locationUri().isDefined()) {
            result.add(new Location(table.storage().locationUri().get().toString(), database,
                id.table()));
          }
        } catch (Exception e) {
          // dropped meanwhile, or a view: no files of its own
        }
      }
    }
    return result;
  }

  private static <T> Supplier<T> memoized(Supplier<T> supplier) {
    return new Supplier<>() {
      private T value;

      @Override
      public synchronized T get() {
        if (value == null) {
          value = supplier.get();
        }
        return value;
      }
    };
  }
}
