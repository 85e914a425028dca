package io.github.bottlerocket.ecsupdater.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * DynamoDB {@code GetItem}, {@code PutItem}, {@code UpdateItem}, {@code DeleteItem} and {@code
 * DescribeTable} over the cluster's {@link DynamoDb}, with condition expressions ({@link
 * DynamoExpressions}), {@code ConditionalCheckFailedException} (carrying the item when {@code
 * ReturnValuesOnConditionCheckFailure} is {@code ALL_OLD}), {@code ResourceNotFoundException} for a
 * table that does not exist, and {@code AccessDeniedException} where {@link Faults#tableAccess()}
 * takes the right away.
 */
final class DynamoDbApi {
  private static final Set<String> WRITES = Set.of("PutItem", "UpdateItem", "DeleteItem");
  private static final int MAX_ITEM_BYTES = 400 * 1024;

  private final SimulatedCluster c;

  DynamoDbApi(SimulatedCluster cluster) {
    this.c = cluster;
  }

  JsonNode handle(String operation, JsonNode r) {
    synchronized (c) {
      c.catchUp();
      if (!Set.of("GetItem", "PutItem", "UpdateItem", "DeleteItem", "DescribeTable")
          .contains(operation)) {
        throw AwsEndpoint.unknownOperation(Wire.Service.DYNAMODB.target, operation);
      }
      String name =
          EcsApi.text(r, "TableName")
              .orElseThrow(
                  () ->
                      AwsError.validation(
                          "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null"));
      Faults.TableAccess access = c.faults.tableAccess().get(name);
      if (access == Faults.TableAccess.NONE
          || (access == Faults.TableAccess.READ_ONLY && WRITES.contains(operation))) {
        throw new AwsError(
            400,
            "AccessDeniedException",
            "User: arn:aws:sts::"
                + SimulatedCluster.ACCOUNT
                + ":assumed-role/updater/function is not authorized to perform: dynamodb:"
                + operation
                + " on resource: arn:aws:dynamodb:"
                + SimulatedCluster.REGION
                + ":"
                + SimulatedCluster.ACCOUNT
                + ":table/"
                + name
                + " because no identity-based policy allows the dynamodb:"
                + operation
                + " action");
      }
      DynamoDb.Table t =
          c.dynamoDb()
              .table(name)
              .orElseThrow(
                  () ->
                      new AwsError(
                          400,
                          "ResourceNotFoundException",
                          operation.equals("DescribeTable")
                              ? "Requested resource not found: Table: " + name + " not found"
                              : "Requested resource not found"));
      return switch (operation) {
        case "GetItem" -> getItem(t, r);
        case "PutItem" -> putItem(t, r);
        case "UpdateItem" -> updateItem(t, r);
        case "DeleteItem" -> deleteItem(t, r);
        default -> describeTable(t);
      };
    }
  }

  private JsonNode getItem(DynamoDb.Table t, JsonNode r) {
    String key = key(t, r.path("Key"));
    DynamoExpressions.Bindings b = new DynamoExpressions.Bindings(r);
    ObjectNode out = Wire.JSON.createObjectNode();
    ObjectNode item = t.items.get(key);
    Optional<String> projection = EcsApi.text(r, "ProjectionExpression");
    if (projection.isPresent()) {
      throw AwsError.validation("The simulated DynamoDB returns whole items (no projection).");
    }
    b.checkAllUsed();
    if (item != null) {
      out.set("Item", item.deepCopy());
    }
    return out;
  }

  private JsonNode putItem(DynamoDb.Table t, JsonNode r) {
    JsonNode given = r.path("Item");
    if (!given.isObject()) {
      throw AwsError.validation(
          "1 validation error detected: Value null at 'item' failed to satisfy constraint: Member must not be null");
    }
    for (Map.Entry<String, JsonNode> e : given.properties()) {
      DynamoExpressions.checkValue(e.getKey(), e.getValue());
    }
    String key = keyOf(t, given);
    ObjectNode old = t.items.get(key);
    check(r, old);
    ObjectNode item = ((ObjectNode) given).deepCopy();
    size(item);
    t.items.put(key, item);
    return returned(r, old, Set.of("NONE", "ALL_OLD"));
  }

  private JsonNode updateItem(DynamoDb.Table t, JsonNode r) {
    String key = key(t, r.path("Key"));
    ObjectNode old = t.items.get(key);
    DynamoExpressions.Bindings b = new DynamoExpressions.Bindings(r);
    String update = EcsApi.text(r, "UpdateExpression").orElse("");
    if (update.isEmpty()) {
      throw AwsError.validation("The simulated DynamoDB needs an UpdateExpression.");
    }
    Optional<String> condition = EcsApi.text(r, "ConditionExpression");
    ObjectNode next = old == null ? ((ObjectNode) r.path("Key")).deepCopy() : old.deepCopy();
    DynamoExpressions.update(update, next, b);
    boolean holds = condition.map(x -> DynamoExpressions.condition(x, old, b)).orElse(true);
    b.checkAllUsed();
    if (!holds) {
      throw conditionFailed(r, old);
    }
    if (!next.has(t.hashKey) || !next.get(t.hashKey).equals(r.path("Key").get(t.hashKey))) {
      throw AwsError.validation(
          "One or more parameter values were invalid: Cannot update attribute "
              + t.hashKey
              + ". This attribute is part of the key");
    }
    size(next);
    t.items.put(key, next);
    String wanted = EcsApi.text(r, "ReturnValues").orElse("NONE");
    ObjectNode out = Wire.JSON.createObjectNode();
    switch (wanted) {
      case "NONE" -> {}
      case "ALL_OLD", "UPDATED_OLD" -> {
        if (old != null) {
          out.set("Attributes", old.deepCopy());
        }
      }
      case "ALL_NEW", "UPDATED_NEW" -> out.set("Attributes", next.deepCopy());
      default -> throw badReturnValues(wanted);
    }
    return out;
  }

  private JsonNode deleteItem(DynamoDb.Table t, JsonNode r) {
    String key = key(t, r.path("Key"));
    ObjectNode old = t.items.get(key);
    check(r, old);
    t.items.remove(key);
    return returned(r, old, Set.of("NONE", "ALL_OLD"));
  }

  private JsonNode describeTable(DynamoDb.Table t) {
    ObjectNode out = Wire.JSON.createObjectNode();
    ObjectNode table = out.putObject("Table");
    table.put("TableName", t.name).put("TableArn", t.arn()).put("TableStatus", "ACTIVE");
    table.put("TableId", String.format("%08x-0000-4000-8000-%012x", t.name.hashCode(), 1));
    table.putArray("KeySchema").addObject().put("AttributeName", t.hashKey).put("KeyType", "HASH");
    table
        .putArray("AttributeDefinitions")
        .addObject()
        .put("AttributeName", t.hashKey)
        .put("AttributeType", "S");
    table.put("ItemCount", t.items.size()).put("TableSizeBytes", bytes(t));
    table.put("CreationDateTime", EcsApi.seconds(t.createdAt));
    table.putObject("BillingModeSummary").put("BillingMode", "PAY_PER_REQUEST");
    table
        .putObject("ProvisionedThroughput")
        .put("ReadCapacityUnits", 0)
        .put("WriteCapacityUnits", 0)
        .put("NumberOfDecreasesToday", 0);
    table.put("DeletionProtectionEnabled", false);
    return out;
  }

  /** Evaluates the request's condition against the stored item; fails the write if it is false. */
  private void check(JsonNode r, ObjectNode old) {
    DynamoExpressions.Bindings b = new DynamoExpressions.Bindings(r);
    Optional<String> condition = EcsApi.text(r, "ConditionExpression");
    boolean holds = condition.map(x -> DynamoExpressions.condition(x, old, b)).orElse(true);
    b.checkAllUsed();
    if (!holds) {
      throw conditionFailed(r, old);
    }
  }

  private static AwsError conditionFailed(JsonNode r, ObjectNode old) {
    AwsError e =
        new AwsError(400, "ConditionalCheckFailedException", "The conditional request failed");
    String wanted = EcsApi.text(r, "ReturnValuesOnConditionCheckFailure").orElse("NONE");
    if (!wanted.equals("NONE") && !wanted.equals("ALL_OLD")) {
      return badReturnValues(wanted);
    }
    if (wanted.equals("ALL_OLD") && old != null) {
      e.extra.set("Item", old.deepCopy());
    }
    return e;
  }

  private static JsonNode returned(JsonNode r, ObjectNode old, Set<String> allowed) {
    String wanted = EcsApi.text(r, "ReturnValues").orElse("NONE");
    if (!allowed.contains(wanted)) {
      throw badReturnValues(wanted);
    }
    ObjectNode out = Wire.JSON.createObjectNode();
    if (wanted.equals("ALL_OLD") && old != null) {
      out.set("Attributes", old.deepCopy());
    }
    return out;
  }

  private static AwsError badReturnValues(String wanted) {
    return AwsError.validation("ReturnValues is not valid for this operation: " + wanted);
  }

  private static String key(DynamoDb.Table t, JsonNode key) {
    if (!key.isObject() || key.size() != 1 || !key.has(t.hashKey)) {
      throw AwsError.validation("The provided key element does not match the schema");
    }
    return keyOf(t, key);
  }

  private static String keyOf(DynamoDb.Table t, JsonNode item) {
    JsonNode k = item.path(t.hashKey);
    if (!k.has("S") || k.size() != 1) {
      throw AwsError.validation(
          "One or more parameter values were invalid: Missing the key "
              + t.hashKey
              + " in the item, or it is not a string");
    }
    if (k.get("S").asText().isEmpty()) {
      throw AwsError.validation(
          "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: "
              + t.hashKey);
    }
    return k.get("S").asText();
  }

  private static void size(ObjectNode item) {
    if (item.toString().length() > MAX_ITEM_BYTES) {
      throw AwsError.validation("Item size has exceeded the maximum allowed size");
    }
  }

  private static long bytes(DynamoDb.Table t) {
    return t.items.values().stream().mapToLong(i -> i.toString().length()).sum();
  }
}
