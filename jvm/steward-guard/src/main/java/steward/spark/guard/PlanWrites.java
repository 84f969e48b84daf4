package steward.spark.guard;

import java.lang.reflect.Method;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.analysis.ResolvedIdentifier;
import org.apache.spark.sql.catalyst.analysis.ResolvedNamespace;
import org.apache.spark.sql.catalyst.analysis.ResolvedPersistentView;
import org.apache.spark.sql.catalyst.analysis.ResolvedTable;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.catalog.SessionCatalog;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.execution.datasources.v2.DataSourceV2Relation;
import scala.Option;
import scala.Product;

/**
 * The writes of an analysed plan. A write is any command (Spark's, Delta's or anyone's)
 * that is not on the short list of read-only and session-only ones below; its targets are
 * found in its fields by type (catalog tables, identifiers, resolved tables and namespaces,
 * relations, paths), never in the query it writes from. A write whose target cannot be
 * found is returned with a null target, and refused: what the guard cannot check, it does
 * not let through.
 */
final class PlanWrites {
  /** Plans that write but are not `Command`s in every Spark and Delta version. */
  private static final Set<String> WRITE_PLANS = Set.of("InsertIntoStatement", "DeltaDelete",
      "DeltaUpdateTable", "DeltaMergeInto", "MergeIntoTable", "DeleteFromTable", "UpdateTable",
      "RestoreTableStatement", "CloneTableStatement", "VacuumTableCommand");
  /** Commands that change nothing but the session, or only read. */
  private static final Set<String> READ_ONLY = Set.of("SetCommand", "ResetCommand",
      "SetCatalogAndNamespace", "SetCatalogCommand", "SetNamespaceCommand", "SetPathCommand",
      "SetVariable", "CreateVariable", "DropVariable", "CacheTable", "CacheTableAsSelect",
      "CacheTableCommand", "UncacheTable", "UncacheTableCommand", "ClearCacheCommand",
      "RefreshTable", "RefreshTableCommand", "RefreshResource", "RefreshFunctionCommand",
      "AddJarsCommand", "AddFilesCommand", "AddArchivesCommand", "CreateTempViewUsing",
      "CreateTempView", "DropTempViewCommand", "StreamingExplainCommand",
      "CurrentNamespace");
  private static final String[] READ_ONLY_PREFIXES = {"Show", "Describe", "Explain", "List"};
  /** Fields that hold what is read, not what is written. */
  private static final Set<String> SOURCE_FIELDS = Set.of("query", "source", "sourceTable",
      "plan", "analyzedQuery", "originalText", "sourceIdent", "viewSchemaMode", "sparkSession",
      "spark", "data");
  private static final Set<String> PATH_FIELDS = Set.of("location", "locationUri", "path",
      "outputPath", "targetPath", "dataPath", "rootPath", "newLocation");
  private static final Set<String> NAMESPACE_FIELDS = Set.of("databaseName", "db");
  private static final Set<String> OPTION_FIELDS = Set.of("options", "writeOptions",
      "extraOptions", "properties");
  private static final Set<String> PATH_FORMATS = Set.of("delta", "parquet", "orc", "json",
      "csv", "text", "avro", "binaryfile");
  private static final int DEPTH = 6;

  private final SessionCatalog catalog;
  private final List<Write> writes = new ArrayList<>();

  private PlanWrites(SessionCatalog catalog) {
    this.catalog = catalog;
  }

  static List<Write> of(LogicalPlan plan, SessionCatalog catalog) {
    PlanWrites found = new PlanWrites(catalog);
    found.visit(plan);
    return found.writes;
  }

  /** Whether a plan node of this class writes (the class's simple name). */
  static boolean readOnly(String node) {
    if (READ_ONLY.contains(node)) {
      return true;
    }
    for (String prefix : READ_ONLY_PREFIXES) {
      if (node.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** `MERGE`, `DELETE`, ... from the plan node's class name. */
  static String operation(String node) {
    String[][] names = {
      {"Merge", "MERGE"}, {"Delete", "DELETE"}, {"Update", "UPDATE"}, {"Truncate", "TRUNCATE"},
      {"Restore", "RESTORE"}, {"Vacuum", "VACUUM"}, {"Optimize", "OPTIMIZE"},
      {"Reorg", "OPTIMIZE"}, {"Clone", "CLONE"}, {"ReplaceTableAsSelect", "REPLACE TABLE AS"},
      {"AsSelect", "CREATE TABLE AS"}, {"SaveIntoDataSource", "SAVE"},
      {"SaveAs", "SAVE AS TABLE"}, {"Columns", "ALTER"}, {"Column", "ALTER"},
      {"Overwrite", "INSERT OVERWRITE"}, {"Insert", "INSERT"}, {"AppendData", "INSERT"},
      {"WriteIntoDelta", "WRITE"}, {"Alter", "ALTER"}, {"Rename", "ALTER"},
      {"SetTable", "ALTER"}, {"UnsetTable", "ALTER"}, {"SetNamespace", "ALTER"},
      {"Drop", "DROP"}, {"Replace", "REPLACE"}, {"Create", "CREATE"}, {"Convert", "CONVERT"},
    };
    for (String[] pair : names) {
      if (node.contains(pair[0])) {
        return pair[1];
      }
    }
    return "WRITE";
  }

  private void visit(LogicalPlan node) {
    String name = node.getClass().getSimpleName();
    if ((node instanceof Command || WRITE_PLANS.contains(name)) && !readOnly(name)
        && !temporaryView(node)) {
      collect(node, name);
    }
    scala.collection.Iterator<LogicalPlan> children = node.children().iterator();
    while (children.hasNext()) {
      visit(children.next());
    }
  }

  /** `CREATE TEMPORARY VIEW`: session-only (dbt's `__dbt_tmp` views). */
  private static boolean temporaryView(LogicalPlan node) {
    Object type = field(node, "viewType");
    return type != null && type.getClass().getSimpleName().contains("TempView");
  }

  private void collect(LogicalPlan node, String name) {
    Set<Target> targets = new LinkedHashSet<>();
    fields(node, targets, 0);
    if (name.contains("Restore")) {
      // Delta's RESTORE names the table it rewrites `sourceTable`
      value("table", field(node, "sourceTable"), targets, 1);
    }
    String operation = operation(name);
    if (targets.isEmpty()) {
      writes.add(new Write(operation, name, null));
      return;
    }
    List<String> ownFolders = new ArrayList<>();
    for (Target target : targets) {
      if (target.kind() != Target.Kind.PATH) {
        databaseLocation(target.namespace()).ifPresent(ownFolders::add);
      }
    }
    for (Target target : targets) {
      // a relation's own files are judged by its namespace; a LOCATION elsewhere is not
      if (target.kind() == Target.Kind.PATH
          && ownFolders.stream().anyMatch(folder -> Paths.under(target.path(), folder))) {
        continue;
      }
      writes.add(new Write(operation, name, target));
    }
  }

  private java.util.Optional<String> databaseLocation(String namespace) {
    try {
      if (catalog.databaseExists(namespace)) {
        URI uri = catalog.getDatabaseMetadata(namespace).locationUri();
        return java.util.Optional.of(Paths.normalise(uri.toString()));
      }
    } catch (RuntimeException e) {
      // not a session-catalog namespace: its files are judged by path
    }
    return java.util.Optional.empty();
  }

  private void fields(Object value, Set<Target> targets, int depth) {
    if (!(value instanceof Product product) || depth > DEPTH) {
      return;
    }
    scala.collection.Iterator<String> names = product.productElementNames();
    scala.collection.Iterator<Object> values = product.productIterator();
    while (names.hasNext() && values.hasNext()) {
      value(names.next(), values.next(), targets, depth + 1);
    }
  }

  @SuppressWarnings("unchecked")
  private void value(String name, Object value, Set<Target> targets, int depth) {
    if (value == null || depth > DEPTH || SOURCE_FIELDS.contains(name)
        || value instanceof Expression) {
      return;
    }
    if (value instanceof Option<?> option) {
      if (option.isDefined()) {
        value(name, option.get(), targets, depth);
      }
    } else if (value instanceof CatalogTable table) {
      relation(table.identifier(), targets);
      if (table.storage().locationUri().isDefined()) {
        targets.add(Target.path(table.storage().locationUri().get().toString()));
      }
    } else if (value instanceof TableIdentifier id) {
      relation(id, targets);
    } else if (value instanceof FunctionIdentifier id) {
      String db = id.database().isDefined() ? id.database().get() : catalog.getCurrentDatabase();
      targets.add(Target.relation(db, id.funcName()));
    } else if (value instanceof Identifier id) {
      identifier(id, targets);
    } else if (value instanceof ResolvedNamespace namespace) {
      scala.collection.immutable.Seq<String> parts = namespace.namespace();
      if (parts.nonEmpty()) {
        targets.add(Target.namespace(parts.last()));
      }
    } else if (value instanceof ResolvedIdentifier id) {
      identifier(id.identifier(), targets);
    } else if (value instanceof ResolvedTable table) {
      identifier(table.identifier(), targets);
    } else if (value instanceof ResolvedPersistentView view) {
      identifier(view.identifier(), targets);
    } else if (value instanceof DataSourceV2Relation relation) {
      if (relation.identifier().isDefined()) {
        identifier(relation.identifier().get(), targets);
      } else {
        value("table", relation.table(), targets, depth);
      }
    } else if (value instanceof LogicalRelation relation) {
      if (relation.catalogTable().isDefined()) {
        value("catalogTable", relation.catalogTable().get(), targets, depth);
      } else if (relation.relation() instanceof HadoopFsRelation files) {
        scala.collection.Iterator<Path> roots = files.location().rootPaths().iterator();
        while (roots.hasNext()) {
          targets.add(Target.path(roots.next().toString()));
        }
      }
    } else if (value instanceof LogicalPlan plan) {
      // the target side of a command (`table`, `target`, `child`): the relations in it
      fields(plan, targets, depth);
      scala.collection.Iterator<LogicalPlan> children = plan.children().iterator();
      while (children.hasNext()) {
        value("child", children.next(), targets, depth + 1);
      }
    } else if (value instanceof Path path) {
      targets.add(Target.path(path.toString()));
    } else if (value instanceof URI uri) {
      if (PATH_FIELDS.contains(name)) {
        targets.add(Target.path(uri.toString()));
      }
    } else if (value instanceof String text) {
      if (NAMESPACE_FIELDS.contains(name)) {
        targets.add(Target.namespace(text));
      } else if (PATH_FIELDS.contains(name) && !text.isEmpty()) {
        targets.add(Target.path(text));
      }
    } else if (value instanceof scala.collection.Map<?, ?> map) {
      if (OPTION_FIELDS.contains(name)) {
        Option<?> path = ((scala.collection.Map<Object, Object>) map).get("path");
        if (path.isDefined()) {
          targets.add(Target.path(path.get().toString()));
        }
      }
    } else if (value instanceof java.util.Map<?, ?> map) {
      if (OPTION_FIELDS.contains(name) && map.get("path") != null) {
        targets.add(Target.path(map.get("path").toString()));
      }
    } else if (value.getClass().getSimpleName().equals("DeltaTableV2")) {
      // by name: its catalog entry; by path (delta.`/x`): its folder
      Object table = call(value, "catalogTable");
      if (table instanceof Option<?> option && option.isDefined()) {
        value("catalogTable", option.get(), targets, depth);
      } else {
        value("path", call(value, "path"), targets, depth);
      }
    } else if (value.getClass().getSimpleName().endsWith("DeltaLog")) {
      value("dataPath", call(value, "dataPath"), targets, depth);
    } else if (value instanceof scala.collection.Iterable<?> items) {
      if (name.equals("newName")) {
        renamed((scala.collection.Iterable<Object>) items, targets);
        return;
      }
      scala.collection.Iterator<?> each = items.iterator();
      while (each.hasNext()) {
        value(name, each.next(), targets, depth + 1);
      }
    } else if (value instanceof Product && spark(value)) {
      fields(value, targets, depth); // TableSpec, CatalogStorageFormat, CloneSource, ...
    }
  }

  private static boolean spark(Object value) {
    String pkg = value.getClass().getName();
    return pkg.startsWith("org.apache.spark.") || pkg.startsWith("io.delta.");
  }

  private void renamed(scala.collection.Iterable<Object> parts, Set<Target> targets) {
    List<String> names = new ArrayList<>();
    scala.collection.Iterator<Object> each = parts.iterator();
    while (each.hasNext()) {
      names.add(String.valueOf(each.next()));
    }
    if (!names.isEmpty()) {
      String namespace = names.size() > 1 ? names.get(names.size() - 2)
          : catalog.getCurrentDatabase();
      targets.add(Target.relation(namespace, names.get(names.size() - 1)));
    }
  }

  private void relation(TableIdentifier id, Set<Target> targets) {
    String table = id.table();
    if (id.database().isDefined()) {
      String db = id.database().get();
      if (PATH_FORMATS.contains(db.toLowerCase(Locale.ROOT)) && looksLikePath(table)) {
        targets.add(Target.path(table));
      } else {
        targets.add(Target.relation(db, table));
      }
      return;
    }
    if (catalog.isTempView(id)) {
      return;
    }
    targets.add(Target.relation(catalog.getCurrentDatabase(), table));
  }

  private void identifier(Identifier id, Set<Target> targets) {
    String[] namespace = id.namespace();
    if (namespace.length == 1 && PATH_FORMATS.contains(namespace[0].toLowerCase(Locale.ROOT))
        && looksLikePath(id.name())) {
      targets.add(Target.path(id.name()));
    } else if (namespace.length == 0) {
      targets.add(Target.relation(catalog.getCurrentDatabase(), id.name()));
    } else {
      targets.add(Target.relation(namespace[namespace.length - 1], id.name()));
    }
  }

  private static boolean looksLikePath(String name) {
    return name.startsWith("/") || name.contains(":/");
  }

  private static Object field(Product product, String name) {
    scala.collection.Iterator<String> names = product.productElementNames();
    scala.collection.Iterator<Object> values = product.productIterator();
    while (names.hasNext() && values.hasNext()) {
      String each = names.next();
      Object value = values.next();
      if (each.equals(name)) {
        return value;
      }
    }
    return null;
  }

  private static Object call(Object target, String method) {
    try {
      Method m = target.getClass().getMethod(method);
      return m.invoke(target);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
