package io.github.bottlerocket.ecsupdater.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bottlerocket.ecsupdater.engine.StateAttributes;
import io.github.bottlerocket.ecsupdater.model.Resources;
import io.github.bottlerocket.ecsupdater.model.ServiceInfo;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import io.github.bottlerocket.ecsupdater.port.EcsPort;
import io.github.bottlerocket.ecsupdater.port.LeasePort;
import io.github.bottlerocket.ecsupdater.port.SsmPort;
import io.github.bottlerocket.ecsupdater.testing.FakeCluster;
import io.github.bottlerocket.ecsupdater.testing.FakeLeases;
import io.github.bottlerocket.ecsupdater.testing.Scene;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MainTest {
  private final FakeCluster cluster = new FakeCluster();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final Map<String, String> env = new HashMap<>(Map.of("POLL_INTERVAL", "5s"));

  MainTest() {
    FakeCluster.Host spare = cluster.host("zz");
    spare.bottlerocket = false;
    spare.registered = new Resources(8192, 16384);
  }

  private final FakeLeases leases = new FakeLeases();

  private int run(String... args) {
    Main.Backend backend =
        new Main.Backend() {
          @Override
          public EcsPort ecs() {
            return cluster;
          }

          @Override
          public SsmPort ssm() {
            return cluster;
          }

          @Override
          public LeasePort leases() {
            return leases;
          }

          @Override
          public void close() {}
        };
    return Main.run(
        args,
        env,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        cluster.clock,
        cluster.sleeper(),
        (o, s) -> backend);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private FakeCluster.Host updatable(String id) {
    FakeCluster.Host h = cluster.host(id);
    h.offered = Scene.NEW;
    h.tasks.add(Scene.serviceTask("t-" + id, "web", 256, 512));
    return h;
  }

  @Test
  void helpDocumentsEveryOption() {
    assertThat(run("--help")).isZero();

    Matcher options = Pattern.compile("case \"(--[a-z-]+)\"").matcher(source());
    int documented = 0;
    while (options.find()) {
      assertThat(out()).contains("  " + options.group(1));
      documented++;
    }
    assertThat(documented).isGreaterThanOrEqualTo(12);
  }

  private static String source() {
    try {
      return java.nio.file.Files.readString(
          io.github.bottlerocket.ecsupdater.testing.Fixtures.repoRoot()
              .resolve("lambda/src/main/java/io/github/bottlerocket/ecsupdater/cli/Main.java"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @ParameterizedTest(name = "[{0}] -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "'' | --cluster is required",
        "--cluster | --cluster needs a value",
        "--cluster prod --bogus | unknown option '--bogus'",
        "--cluster prod --max-concurrent 0 | --max-concurrent must be a whole number from 1 to 100, got '0'",
        "--cluster prod --tick soon | --tick must be a number with a unit",
        "--cluster prod --endpoint localhost | --endpoint must be a URL",
        "--cluster arn:aws:ecs:eu-west-1:1:cluster/x | --cluster is not a cluster ARN",
        "--cluster prod --tick 999999999999999d | error: --tick must be at most 1d, got '999999999999999d'",
        "--cluster prod --tick 99999999999999999999d | error: --tick must be at most 1d, got '99999999999999999999d'",
        "--cluster prod --tick 2d | error: --tick must be at most 1d, got '2d'",
        "--cluster prod --tick -PT1M | error: --tick must be a number with a unit (500ms, 30s, 15m, 2h, 1d) or ISO-8601 (PT15M), at most 1d, got '-PT1M'",
        "--cluster prod --region us_east_1 | error: --region must be an AWS region such as us-east-1, got 'us_east_1'",
        "--cluster prod --cluster staging | error: --cluster is given more than once; give it once",
        "--cluster prod --dry-run --dry-run | error: --dry-run is given more than once; give it once",
        "--cluster prod --max-passes 99999999999 | error: --max-passes must be a whole number from 1 to 100000, got '99999999999'",
        "--cluster prod --lease-table ab | error: --lease-table must be a DynamoDB table name (3 to 255 letters, digits, '_', '-' and '.'), got 'ab'",
        "--cluster prod --no-lease --lease-table leases | error: --no-lease and --lease-table contradict each other; give one of them",
        "--cluster prod,staging | error: --cluster names one cluster; several, separated by commas, only with --status, got 'prod,staging'",
        "--cluster prod,,staging --status | error: --cluster must name clusters separated by single commas, got 'prod,,staging'",
        "--cluster prod --status --dry-run | error: --status only reads; --dry-run does not go with it",
        "--cluster prod --status --until-done | error: --status only reads; --until-done does not go with it",
      })
  void badArgumentsExitWithUsageAndSayWhy(String args, String message) {
    assertThat(run(args.isBlank() ? new String[0] : args.split(" "))).isEqualTo(Main.USAGE);
    assertThat(err()).contains(message).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(cluster.log).isEmpty();
  }

  @Test
  void anEmptyRegionExitsWithUsageNamingTheOption() {
    assertThat(run("--cluster", "prod", "--region", "")).isEqualTo(Main.USAGE);

    assertThat(err())
        .isEqualTo(
            "error: --region must be an AWS region such as us-east-1, got ''\n"
                + "Run with --help for the options.\n");
    assertThat(cluster.log).isEmpty();
  }

  @Test
  void aHugeArgumentIsEchoedCut() {
    assertThat(run("--cluster", "prod", "--" + "x".repeat(10_000))).isEqualTo(Main.USAGE);

    assertThat(err()).contains("(10002 characters)").hasSizeLessThan(300);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "MAX_PASS_DURATION | 999999999999999d | MAX_PASS_DURATION must be at most 7d",
        "CHECK_INTERVAL | 999999999999d | CHECK_INTERVAL must be at most 365d",
        "CHECK_TIMEOUT | 14m | CHECK_TIMEOUT must be less than the time a pass has",
        "ALLOWED_CLUSTERS | ',' | ALLOWED_CLUSTERS must be comma-separated cluster names or ARNs",
        "MAINTENANCE_WINDOW | ';' | MAINTENANCE_WINDOW must be",
      })
  void aSettingThatCannotWorkExitsWithUsageNamingIt(String key, String value, String message) {
    env.put(key, value);

    assertThat(run("--cluster", "prod")).isEqualTo(Main.USAGE);
    assertThat(err()).startsWith("error: Invalid configuration: " + message);
    assertThat(cluster.log).isEmpty();
  }

  @Test
  void clientsThatCannotBeBuiltExitWithUsageAndSayWhatToSet() {
    int code =
        Main.run(
            new String[] {"--cluster", "prod"},
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            cluster.clock,
            cluster.sleeper(),
            (o, s) -> {
              throw new IllegalStateException("Unable to load region from any of the providers");
            });

    assertThat(code).isEqualTo(Main.USAGE);
    assertThat(err())
        .isEqualTo(
            "error: the AWS clients could not be set up (Unable to load region from any of the"
                + " providers); give --region or set AWS_REGION, and check the credentials\n");
  }

  @Test
  void aBadSettingExitsWithUsageNamingIt() {
    env.put("DRAIN_TIMEOUT", "forever");

    assertThat(run("--cluster", "prod")).isEqualTo(Main.USAGE);
    assertThat(err()).contains("DRAIN_TIMEOUT must be");
  }

  @Test
  void untilDoneUpdatesEveryInstancePrintingEachPhaseChange() {
    cluster.services.add(new ServiceInfo("web", false, 2, 2));
    updatable("a");
    updatable("b");

    int code = run("--cluster", "prod", "--until-done", "--tick", "1m");

    assertThat(code).isZero();
    assertThat(out())
        .contains("i-a")
        .contains("IDLE       -> STAGING")
        .contains("STAGED     -> DRAINING")
        .contains("VERIFYING  -> IDLE")
        .contains("1.20.0 -> 1.20.1")
        .contains("Done: every instance is up to date, skipped or failed");
    assertThat(cluster.host("a").active).isEqualTo(Scene.NEW);
    assertThat(cluster.host("b").active).isEqualTo(Scene.NEW);
  }

  @Test
  void aDryRunPrintsThePlanAndChangesNothing() {
    updatable("a");

    assertThat(run("--cluster", "prod", "--dry-run")).isZero();

    assertThat(out())
        .contains("Plan for " + FakeCluster.CLUSTER)
        .contains("would start the download");
    assertThat(cluster.changes()).isEmpty();
  }

  @Test
  void jsonPrintsTheReport() {
    cluster.host("a");

    assertThat(run("--cluster", "prod", "--json")).isZero();

    assertThat(out()).contains("\"stopReason\" : \"SETTLED\"");
  }

  @Test
  void aFailedPassExitsWithOne() {
    cluster.faults.put(
        "ecs:ListContainerInstances",
        new AwsFault(
            AwsFault.Kind.ACCESS_DENIED,
            "ecs:ListContainerInstances",
            "AccessDeniedException",
            null));

    assertThat(run("--cluster", "prod")).isEqualTo(Main.PASS_FAILED);
    assertThat(err()).contains("ecs:ListContainerInstances failed");
  }

  @Test
  void untilDoneStopsWhenNothingCanMoveAndSaysWhy() {
    cluster.services.add(new ServiceInfo("web", false, 2, 2));
    updatable("a").failsToBoot = true;
    updatable("b");

    int code = run("--cluster", "prod", "--until-done");

    assertThat(code).isEqualTo(Main.NOT_CONVERGED);
    assertThat(out()).contains("ROLLED_BACK").contains("CIRCUIT_BREAKER_OPEN").contains("Stopped:");
  }

  @Test
  void aClusterAnotherPassHoldsExitsWithFourNamingTheHolderAndChangesNothing() {
    updatable("a");
    cluster.tags.put(StateAttributes.LEASE_TABLE_TAG, "leases");
    leases.hold(
        FakeCluster.CLUSTER,
        "run-scheduled",
        "function updater (schedule, request r-1)",
        cluster.clock.instant(),
        cluster.clock.instant().plus(Duration.ofMinutes(6)));

    assertThat(run("--cluster", "prod")).isEqualTo(Main.CLUSTER_BUSY);

    assertThat(err())
        .contains("busy: the cluster is being changed by function updater (schedule, request r-1)")
        .contains("run run-scheduled")
        .contains("nothing was changed");
    assertThat(cluster.changes()).isEmpty();
  }

  @Test
  void theRunnerTakesTheLeaseTheClusterNamesAndGivesItBack() {
    updatable("a");
    cluster.tags.put(StateAttributes.LEASE_TABLE_TAG, "leases");

    assertThat(run("--cluster", "prod")).isZero();

    assertThat(leases.log).first().asString().startsWith("take ");
    assertThat(leases.log).last().asString().startsWith("release ");
    assertThat(leases.lease(FakeCluster.CLUSTER)).isEmpty();
  }

  @Test
  void aLeaseTableThatDoesNotExistExitsWithOneSayingSoAndChangesNothing() {
    updatable("a");

    assertThat(run("--cluster", "prod", "--lease-table", "gone")).isEqualTo(Main.PASS_FAILED);

    assertThat(err())
        .contains("the lease table 'gone' (--lease-table) does not exist")
        .contains("--no-lease");
    assertThat(cluster.changes()).isEmpty();
  }

  @Test
  void noLeaseRunsWithoutTheTableTheClusterNamesAndSaysNothingKeepsOthersOut() {
    updatable("a");
    cluster.tags.put(StateAttributes.LEASE_TABLE_TAG, "leases");

    assertThat(run("--cluster", "prod", "--no-lease")).isZero();

    assertThat(out()).contains("nothing keeps another pass out");
    assertThat(leases.log).isEmpty();
  }

  @Test
  void statusPrintsHostsByVersionAndPhaseWhatHoldsThemAndTheLeaseChangingNothing() {
    updatable("a");
    updatable("b");
    cluster.tags.put(StateAttributes.LEASE_TABLE_TAG, "leases");
    leases.hold(
        FakeCluster.CLUSTER,
        "run-scheduled",
        "function updater (schedule, request r-1)",
        cluster.clock.instant(),
        cluster.clock.instant().plus(Duration.ofMinutes(6)));

    assertThat(run("--cluster", "prod", "--status")).isZero();

    assertThat(out())
        .contains("== " + FakeCluster.CLUSTER)
        .contains("lease:     held by function updater (schedule, request r-1) (run run-scheduled)")
        .contains("hosts:     3")
        .contains("not Bottlerocket x1")
        .contains("phases:    idle x3")
        .contains("0 of 1 out of service")
        .contains("held back: SKIPPED NOT_BOTTLEROCKET: i-zz")
        .containsPattern("next pass: [1-9][0-9]* changes planned");
    assertThat(cluster.changes()).isEmpty();
    assertThat(leases.log).containsExactly("read " + FakeCluster.CLUSTER);
  }

  @Test
  void statusOfSeveralClustersReportsEachAndFailsOnOneThatCannotBeRead() {
    cluster.host("a");

    int code = run("--cluster", "prod,arn:aws:ecs:us-east-1:123456789012:cluster/gone", "--status");

    assertThat(out()).contains("== " + FakeCluster.CLUSTER).contains("no lease table known");
    assertThat(code).isEqualTo(Main.PASS_FAILED);
    assertThat(err()).contains("error: arn:aws:ecs:us-east-1:123456789012:cluster/gone: ");
    assertThat(cluster.changes()).isEmpty();
  }
}
