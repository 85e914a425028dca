package io.github.bottlerocket.ecsupdater.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * DynamoDB item writes with condition expressions, as a per-cluster lease table uses them (key
 * {@code cluster}), through the SDK's DynamoDB client (AWS JSON 1.0).
 */
class DynamoDbContractTest {
  private static final String TABLE = "leases";

  private Simulation sim;
  private SdkClients aws;
  private DynamoDbClient ddb;

  @BeforeEach
  void start() {
    sim =
        Simulation.start(
            Clusters.small(),
            Faults.none(48)
                .withTableAccess("read-only", Faults.TableAccess.READ_ONLY)
                .withTableAccess("hidden", Faults.TableAccess.NONE),
            Map.of());
    sim.cluster().dynamoDb().createTable(TABLE, "cluster");
    sim.cluster().dynamoDb().createTable("read-only", "cluster");
    sim.cluster().dynamoDb().createTable("hidden", "cluster");
    aws = new SdkClients(sim.endpoint().uri());
    ddb = aws.dynamoDb;
    ddb.putItem(
        r ->
            r.tableName(TABLE)
                .item(
                    Map.of(
                        "cluster", s("prod"),
                        "holder", s("pass-1"),
                        "expires", n("1000"),
                        "tags", AttributeValue.builder().ss("a", "b").build())));
  }

  @AfterEach
  void stop() {
    aws.close();
    sim.close();
  }

  private static AttributeValue s(String v) {
    return AttributeValue.builder().s(v).build();
  }

  private static AttributeValue n(String v) {
    return AttributeValue.builder().n(v).build();
  }

  static Stream<Arguments> conditions() {
    return Stream.of(
        Arguments.of("attribute_not_exists(#c)", true, false),
        Arguments.of("attribute_exists(#c)", false, true),
        Arguments.of("holder = :me", false, true),
        Arguments.of("holder <> :me", true, false),
        Arguments.of("expires < :now", false, false),
        Arguments.of("expires <= :later", false, true),
        Arguments.of("expires > :now", false, true),
        Arguments.of("expires >= :later", false, true),
        Arguments.of("holder = :me AND expires > :now", false, true),
        Arguments.of("holder <> :me OR expires < :now", true, false),
        Arguments.of("NOT (holder = :me)", true, false),
        Arguments.of(
            "attribute_not_exists(#c) OR (holder = :me AND NOT expires < :now)", true, true),
        Arguments.of("expires BETWEEN :now AND :later", false, true),
        Arguments.of("holder IN (:me, :other)", false, true),
        Arguments.of("begins_with(holder, :prefix)", false, true),
        Arguments.of("size(tags) = :two", false, true),
        Arguments.of("nosuch = :me", false, false),
        Arguments.of("nosuch <> :me", true, true),
        Arguments.of("holder < :now", false, false));
  }

  /** Names and values each condition may use; the unused ones are dropped per call. */
  private static Map<String, AttributeValue> values() {
    return Map.of(
        ":me", s("pass-1"),
        ":other", s("pass-2"),
        ":now", n("900"),
        ":later", n("1000"),
        ":prefix", s("pass"),
        ":two", n("2"));
  }

  @ParameterizedTest(name = "{0}: on a missing item {1}, on the stored one {2}")
  @MethodSource("conditions")
  void conditionsHoldAsDynamoDbEvaluatesThem(
      String condition, boolean onMissing, boolean onStored) {
    assertThat(holds(condition, "absent")).as("missing item").isEqualTo(onMissing);
    assertThat(holds(condition, "prod")).as("stored item").isEqualTo(onStored);
  }

  private boolean holds(String condition, String key) {
    Map<String, AttributeValue> values = new HashMap<>();
    values()
        .forEach(
            (k, v) -> {
              if (condition.matches(".*" + k + "\\b.*")) {
                values.put(k, v);
              }
            });
    Map<String, String> names = condition.contains("#c") ? Map.of("#c", "cluster") : Map.of();
    try {
      ddb.updateItem(
          r -> {
            r.tableName(TABLE)
                .key(Map.of("cluster", s(key)))
                .updateExpression("SET checked = :t")
                .conditionExpression(condition);
            Map<String, AttributeValue> v = new HashMap<>(values);
            v.put(":t", n("1"));
            r.expressionAttributeValues(v);
            if (!names.isEmpty()) {
              r.expressionAttributeNames(names);
            }
          });
      ddb.deleteItem(
          r ->
              r.tableName(TABLE)
                  .key(Map.of("cluster", s(key)))
                  .conditionExpression("attribute_exists(checked)"));
      if (key.equals("prod")) {
        ddb.putItem(
            r ->
                r.tableName(TABLE)
                    .item(
                        Map.of(
                            "cluster", s("prod"),
                            "holder", s("pass-1"),
                            "expires", n("1000"),
                            "tags", AttributeValue.builder().ss("a", "b").build())));
      }
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  @Test
  void aFailedConditionReturnsTheItemWhenAskedFor() {
    ConditionalCheckFailedException e =
        catchThrowableOfType(
            ConditionalCheckFailedException.class,
            () ->
                ddb.putItem(
                    r ->
                        r.tableName(TABLE)
                            .item(Map.of("cluster", s("prod"), "holder", s("pass-2")))
                            .conditionExpression("attribute_not_exists(#c)")
                            .expressionAttributeNames(Map.of("#c", "cluster"))
                            .returnValuesOnConditionCheckFailure(
                                ReturnValuesOnConditionCheckFailure.ALL_OLD)));

    assertThat(e.item()).containsEntry("holder", s("pass-1")).containsEntry("expires", n("1000"));
    assertThat(ddb.getItem(r -> r.tableName(TABLE).key(Map.of("cluster", s("prod")))).item())
        .containsEntry("holder", s("pass-1"));
  }

  @Test
  void updateItemRenewsAndReturnsTheNewItem() {
    var r =
        ddb.updateItem(
            b ->
                b.tableName(TABLE)
                    .key(Map.of("cluster", s("prod")))
                    .updateExpression(
                        "SET expires = expires + :d, renewals = if_not_exists(renewals, :zero) + :one REMOVE tags")
                    .conditionExpression("holder = :me")
                    .expressionAttributeValues(
                        Map.of(":d", n("60"), ":zero", n("0"), ":one", n("1"), ":me", s("pass-1")))
                    .returnValues(ReturnValue.ALL_NEW));

    assertThat(r.attributes())
        .containsEntry("expires", n("1060"))
        .containsEntry("renewals", n("1"))
        .doesNotContainKey("tags");
  }

  @Test
  void describeTableNamesTheKeyAndBilling() {
    var t = ddb.describeTable(r -> r.tableName(TABLE)).table();

    assertThat(t.keySchema().get(0).attributeName()).isEqualTo("cluster");
    assertThat(t.billingModeSummary().billingModeAsString()).isEqualTo("PAY_PER_REQUEST");
    assertThat(t.tableStatusAsString()).isEqualTo("ACTIVE");
    assertThat(t.itemCount()).isEqualTo(1L);
  }

  static Stream<Arguments> rejected() {
    return Stream.of(
        Arguments.of(
            "a table that does not exist",
            "nope",
            "attribute_not_exists(#c)",
            Map.of("#c", "cluster"),
            "ResourceNotFoundException"),
        Arguments.of(
            "a reserved word unescaped",
            TABLE,
            "attribute_not_exists(cluster)",
            Map.of(),
            "ValidationException"),
        Arguments.of(
            "a name given but not used",
            TABLE,
            "attribute_not_exists(#c)",
            Map.of("#c", "cluster", "#x", "x"),
            "ValidationException"),
        Arguments.of(
            "a name used but not given",
            TABLE,
            "attribute_not_exists(#d)",
            Map.of(),
            "ValidationException"),
        Arguments.of(
            "a syntax error",
            TABLE,
            "attribute_not_exists(#c) AND",
            Map.of("#c", "cluster"),
            "ValidationException"),
        Arguments.of(
            "a table the role cannot write",
            "read-only",
            "attribute_not_exists(#c)",
            Map.of("#c", "cluster"),
            "AccessDeniedException"),
        Arguments.of(
            "a table the role cannot use",
            "hidden",
            "attribute_not_exists(#c)",
            Map.of("#c", "cluster"),
            "AccessDeniedException"));
  }

  @ParameterizedTest(name = "{0}: {4}")
  @MethodSource("rejected")
  void rejectsWhatDynamoDbRejects(
      String name, String table, String condition, Map<String, String> names, String code) {
    AwsServiceException e =
        catchThrowableOfType(
            AwsServiceException.class,
            () ->
                ddb.putItem(
                    r -> {
                      r.tableName(table)
                          .item(Map.of("cluster", s("staging"), "holder", s("pass-3")))
                          .conditionExpression(condition);
                      if (!names.isEmpty()) {
                        r.expressionAttributeNames(names);
                      }
                    }));

    assertThat(e).as("no error for " + name).isNotNull();
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
    assertThat(e.statusCode()).isEqualTo(400);
  }

  @Test
  void aReadOnlyTableStillAnswersReads() {
    assertThat(
            ddb.getItem(r -> r.tableName("read-only").key(Map.of("cluster", s("prod")))).hasItem())
        .isFalse();
  }
}
