package steward.spark.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The decision logic, on registries shaped as `steward guard export` writes them. */
class DecisionTest {
  /** Two teams of the reference registry, exported for `env`. */
  static String export(String env) {
    String p = env.equals("prod") ? "" : env + "_";
    return """
        {"steward_guard": 1, "registry": "platform/teams.yml", "env": "%1$s", "prefix": "%2$s",
         "teams": [
          {"id": "platform", "contact": "data-platform@gridunion.example",
           "channel": "#data-platform", "members": ["anna.keller"],
           "namespaces": ["%2$sbronze_platform", "%2$ssilver_platform", "%2$slanding_platform"]},
          {"id": "commercial_analytics", "contact": "", "channel": "", "members": ["lukas.braun"],
           "namespaces": ["%2$sgold_commercial_analytics", "%2$slanding_commercial_analytics"]}],
         "namespaces": {"%2$sbronze_platform": "platform", "%2$ssilver_platform": "platform",
          "%2$slanding_platform": "platform",
          "%2$sgold_commercial_analytics": "commercial_analytics",
          "%2$slanding_commercial_analytics": "commercial_analytics"},
         "production_namespaces": {"bronze_platform": "platform", "silver_platform": "platform",
          "landing_platform": "platform", "gold_commercial_analytics": "commercial_analytics",
          "landing_commercial_analytics": "commercial_analytics"}}
        """.formatted(env, p);
  }

  static GuardRegistry registry(String env) throws RegistryException {
    return GuardRegistry.parse(export(env), "/x/registry-" + env + ".json");
  }

  static Optional<String> decide(GuardRegistry registry, String team, Target target) {
    return decide(registry, team, target, List.of());
  }

  static Optional<String> decide(
      GuardRegistry registry, String team, Target target, List<Location> locations) {
    return Decision.check(registry, registry == null ? "spark.steward.registry is not set" : null,
        new Identity(team, "spark.steward.team"), new Write("INSERT", "AppendData", target),
        () -> locations);
  }

  @ParameterizedTest(name = "{0}: {1} writes {2} -> {3}")
  @CsvSource({
    // env, team, namespace, allowed
    "prod, commercial_analytics, gold_commercial_analytics, true",
    "prod, commercial_analytics, landing_commercial_analytics, true",
    "prod, commercial_analytics, silver_platform, false",
    "prod, commercial_analytics, SILVER_PLATFORM, false",
    "prod, platform, silver_platform, true",
    "prod, commercial_analytics, default, true",
    "prod, commercial_analytics, scratch_lukas, true",
    // another environment's copy of a governed namespace belongs to its owner there
    "prod, commercial_analytics, dev_silver_platform, false",
    "prod, commercial_analytics, ci_17_silver_platform, false",
    "prod, commercial_analytics, dev_gold_commercial_analytics, false",
    "dev_alice, commercial_analytics, dev_alice_gold_commercial_analytics, true",
    "dev_alice, commercial_analytics, dev_alice_silver_platform, false",
    // a dev session does not write production, not even its own team's
    "dev_alice, commercial_analytics, gold_commercial_analytics, false",
    "dev_alice, platform, silver_platform, false",
    "ci_12, platform, ci_12_silver_platform, true",
    "ci_12, platform, ci_13_silver_platform, false",
  })
  void namespaces(String env, String team, String namespace, boolean allowed) throws Exception {
    Optional<String> refusal = decide(registry(env), team, Target.relation(namespace, "t"));
    assertEquals(allowed, refusal.isEmpty(), refusal.orElse("allowed"));
  }

  @Test
  void theRefusalNamesTargetOwnerTeamAndRegistry() throws Exception {
    String message = decide(registry("prod"), "commercial_analytics",
        Target.relation("silver_platform", "readings")).orElseThrow();
    assertTrue(message.contains("`silver_platform.readings`"), message);
    assertTrue(message.contains("owned by team platform"), message);
    assertTrue(message.contains("as team commercial_analytics"), message);
    assertTrue(message.contains("registry platform/teams.yml"), message);
    assertTrue(message.contains("/x/registry-prod.json"), message);
    assertTrue(message.contains("ask team platform (data-platform@gridunion.example"), message);
  }

  @Test
  void withoutARegistryEveryWriteIsRefused() {
    for (Target target : List.of(Target.relation("gold_commercial_analytics", "t"),
        Target.relation("default", "t"), Target.path("/tmp/scratch"))) {
      String message = decide(null, "commercial_analytics", target).orElseThrow();
      assertTrue(message.contains("fail closed"), message);
      assertTrue(message.contains("steward guard export"), message);
    }
  }

  @Test
  void withoutATeamGovernedNamespacesAreReadOnly() throws Exception {
    GuardRegistry registry = registry("prod");
    String message = decide(registry, null, Target.relation("gold_commercial_analytics", "t"))
        .orElseThrow();
    assertTrue(message.contains("no team is set"), message);
    assertTrue(decide(registry, null, Target.relation("default", "t")).isEmpty());
  }

  @Test
  void anUnknownTeamIsNamed() throws Exception {
    String message = decide(registry("prod"), "marketing", Target.relation("silver_platform", "t"))
        .orElseThrow();
    assertTrue(message.contains("team marketing"), message);
    assertTrue(message.contains("is not in the registry"), message);
  }

  @Test
  void aCommandWithoutATargetIsRefused() throws Exception {
    String message = decide(registry("prod"), "platform", null).orElseThrow();
    assertTrue(message.contains("cannot tell what this command writes"), message);
  }

  @Test
  void pathsInAGovernedFolderBelongToItsOwner() throws Exception {
    GuardRegistry registry = registry("prod");
    List<Location> folders = List.of(
        new Location("file:/lake/warehouse/silver_platform.db", "silver_platform", null),
        new Location("file:/lake/warehouse/silver_platform.db/readings", "silver_platform",
            "readings"),
        new Location("/lake/warehouse/gold_commercial_analytics.db", "gold_commercial_analytics",
            null));
    String inside = decide(registry, "commercial_analytics",
        Target.path("/lake/warehouse/silver_platform.db/readings/part-0.parquet"), folders)
        .orElseThrow();
    assertTrue(inside.contains("the files of table `silver_platform.readings`"), inside);
    // above it: an overwrite of the warehouse would delete the folder
    assertTrue(decide(registry, "commercial_analytics", Target.path("file:///lake/warehouse"),
        folders).isPresent());
    assertTrue(decide(registry, "commercial_analytics",
        Target.path("/lake/warehouse/x/../silver_platform.db/readings"), folders).isPresent());
    assertTrue(decide(registry, "commercial_analytics",
        Target.path("/lake/warehouse/gold_commercial_analytics.db/daily"), folders).isEmpty());
    assertTrue(decide(registry, "platform",
        Target.path("/lake/warehouse/silver_platform.db/readings"), folders).isEmpty());
    assertTrue(decide(registry, "commercial_analytics", Target.path("/lake/scratch"), folders)
        .isEmpty());
    assertTrue(decide(registry, "commercial_analytics",
        Target.path("/lake/warehouse/silver_platform.dbx"), folders).isEmpty());
  }

  @Test
  void sessionUsersMapToTheirTeam() throws Exception {
    GuardRegistry registry = registry("prod");
    assertEquals(Optional.of("platform"), registry.teamOfUser("anna.keller"));
    assertEquals(Optional.of("commercial_analytics"), registry.teamOfUser("Lukas.Braun"));
    assertEquals(Optional.empty(), registry.teamOfUser("root"));
  }

  @Test
  void aBrokenFileIsAClearProblem(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("registry.json");
    Files.writeString(file, "{not json");
    RegistryException broken = assertThrows(RegistryException.class,
        () -> GuardRegistry.read(file));
    assertTrue(broken.getMessage().contains("is not JSON"), broken.getMessage());
    Files.writeString(file, "{\"teams\": []}");
    RegistryException wrong = assertThrows(RegistryException.class,
        () -> GuardRegistry.read(file));
    assertTrue(wrong.getMessage().contains("steward guard export"), wrong.getMessage());
    RegistryException missing = assertThrows(RegistryException.class,
        () -> GuardRegistry.read(dir.resolve("nope.json")));
    assertTrue(missing.getMessage().contains("cannot read"), missing.getMessage());
  }

  @Test
  void registriesAreReadAgainWhenTheFileChanges(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("registry.json");
    assertFalse(Registries.load(file.toString()).problem() == null);
    Files.writeString(file, export("prod"));
    assertEquals("prod", Registries.load(file.toString()).registry().env());
    Files.writeString(file, export("dev_alice") + "\n");
    assertEquals("dev_alice", Registries.load(file.toString()).registry().env());
    assertTrue(Registries.load(" ").problem().contains("spark.steward.registry is not set"));
  }

  @ParameterizedTest
  @CsvSource({
    "file:/a/b/, /a/b",
    "file:///a/./b, /a/b",
    "/a/b/../c, /a/c",
    "s3://Bucket/x//y, s3://Bucket/x/y",
    "S3://b/x/../y, s3://b/y",
  })
  void pathsAreNormalised(String path, String expected) {
    assertEquals(expected, Paths.normalise(path));
  }

  @ParameterizedTest
  @CsvSource({
    "AppendData, INSERT", "OverwriteByExpression, INSERT OVERWRITE",
    "MergeIntoCommand, MERGE", "DeleteCommand, DELETE", "UpdateCommand, UPDATE",
    "DropTable, DROP", "SetTableProperties, ALTER", "AddColumns, ALTER",
    "TruncateDeltaTableCommand, TRUNCATE", "RestoreTableCommand, RESTORE",
    "VacuumTableCommand, VACUUM", "OptimizeTableCommand, OPTIMIZE",
    "CreateTableAsSelect, CREATE TABLE AS", "ReplaceTableAsSelect, REPLACE TABLE AS",
    "SaveIntoDataSourceCommand, SAVE", "SaveAsV1TableCommand, SAVE AS TABLE",
  })
  void operations(String node, String operation) {
    assertEquals(operation, PlanWrites.operation(node));
  }

  @ParameterizedTest
  @CsvSource({"ShowTablesCommand, true", "DescribeDeltaHistory, true", "SetCommand, true",
      "SetTableProperties, false", "DropTable, false", "CacheTableCommand, true"})
  void readOnlyCommands(String node, boolean readOnly) {
    assertEquals(readOnly, PlanWrites.readOnly(node));
  }
}
