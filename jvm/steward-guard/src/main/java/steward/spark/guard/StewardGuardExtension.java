package steward.spark.guard;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.internal.SQLConf;
import scala.Function1;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * steward's engine-level write guard:
 * `spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension,steward.spark.guard.StewardGuardExtension`.
 *
 * <p>It adds one check rule to the analyzer (as Apache Kyuubi's AuthZ plugin does), so every
 * plan of every client of the session (SQL, DataFrames, dbt, the Thrift Server, a
 * notebook) is checked before it runs: a write into a namespace the session's team does
 * not own is refused. Settings: `spark.steward.registry` (the file of `steward guard
 * export`), `spark.steward.team` (the team; read per statement), and the static
 * `spark.steward.team.fromUser=true`, which ignores `spark.steward.team` and takes the team
 * from the session user's membership in the registry (for a shared Thrift Server).
 */
public final class StewardGuardExtension extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {
  public static final String TEAM = "spark.steward.team";
  public static final String REGISTRY = "spark.steward.registry";
  public static final String TEAM_FROM_USER = "spark.steward.team.fromUser";

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    register();
    Function1<SparkSession, Function1<LogicalPlan, BoxedUnit>> rule =
        new AbstractFunction1<>() {
          @Override
          public Function1<LogicalPlan, BoxedUnit> apply(SparkSession session) {
            return new GuardCheck(session);
          }
        };
    extensions.injectCheckRule(rule);
    return BoxedUnit.UNIT;
  }

  private static boolean registered;

  /**
   * Declares the two session settings to Spark, so they are ordinary runtime SQL settings:
   * settable per session (dbt's connections, `SET`), and kept by `newSession()`'s callers.
   */
  private static synchronized void register() {
    if (registered) {
      return;
    }
    registered = true;
    try {
      SQLConf.buildConf(TEAM)
          .doc("The team whose namespaces this session may write (steward's registry).")
          .version("4.0.0")
          .stringConf()
          .createWithDefault("");
      SQLConf.buildConf(REGISTRY)
          .doc("The registry file `steward guard export` writes.")
          .version("4.0.0")
          .stringConf()
          .createWithDefault("");
    } catch (IllegalArgumentException e) {
      // registered by another class loader's copy already
    }
  }
}
