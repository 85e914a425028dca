package io.github.bottlerocket.ecsupdater.aws;

import io.github.bottlerocket.ecsupdater.port.LeasePort;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The lease table in DynamoDB. One item per cluster:
 *
 * <ul>
 *   <li>{@value #KEY} (S): the cluster ARN, the partition key;
 *   <li>{@value #OWNER} (S): the run id of the pass that holds it;
 *   <li>{@value #HOLDER} (S): where that pass runs, for people;
 *   <li>{@value #ACQUIRED_AT}, {@value #RENEWED_AT}, {@value #EXPIRES_AT} (N): epoch milliseconds
 *       by the holder's clock;
 *   <li>{@value #TTL} (N): the expiry in epoch seconds, rounded up, for DynamoDB's time to live,
 *       which deletes the leases of passes that crashed (a convenience: an expired lease is free
 *       whether or not it was deleted).
 * </ul>
 *
 * <p>Every write is conditional: a take only where there is no lease, or it has expired by the
 * taker's clock, or it is the taker's own (a retry whose first answer was lost); a renewal and a
 * release only where the lease is still the owner's. A failed condition returns the item as it is
 * ({@code ReturnValuesOnConditionCheckFailure=ALL_OLD}), so a busy pass learns who holds the
 * cluster without a second call. Attribute names are always written as placeholders: {@code owner}
 * and {@code ttl} are among DynamoDB's reserved words.
 */
public final class DynamoDbLeases implements LeasePort {
  public static final String KEY = LeasePort.PARTITION_KEY;
  public static final String OWNER = "owner";
  public static final String HOLDER = "holder";
  public static final String ACQUIRED_AT = "acquiredAt";
  public static final String RENEWED_AT = "renewedAt";
  public static final String EXPIRES_AT = "expiresAt";
  public static final String TTL = "ttl";

  private final DynamoDbClient dynamoDb;

  public DynamoDbLeases(DynamoDbClient dynamoDb) {
    this.dynamoDb = dynamoDb;
  }

  @Override
  public Result take(String table, Lease lease) {
    Map<String, AttributeValue> item =
        Map.of(
            KEY, AttributeValue.fromS(lease.key()),
            OWNER, AttributeValue.fromS(lease.owner()),
            HOLDER, AttributeValue.fromS(lease.holder()),
            ACQUIRED_AT, millis(lease.acquiredAt()),
            RENEWED_AT, millis(lease.acquiredAt()),
            EXPIRES_AT, millis(lease.expiresAt()),
            TTL, ttl(lease.expiresAt()));
    try {
      dynamoDb.putItem(
          r ->
              r.tableName(table)
                  .item(item)
                  .conditionExpression(
                      "attribute_not_exists(#key) OR attribute_not_exists(#expiresAt)"
                          + " OR #expiresAt < :now OR #owner = :owner")
                  .expressionAttributeNames(
                      Map.of("#key", KEY, "#expiresAt", EXPIRES_AT, "#owner", OWNER))
                  .expressionAttributeValues(
                      Map.of(
                          ":now", millis(lease.acquiredAt()),
                          ":owner", AttributeValue.fromS(lease.owner())))
                  .returnValuesOnConditionCheckFailure(
                      ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return Result.WON;
    } catch (ConditionalCheckFailedException e) {
      return Result.lost(held(table, lease.key(), e));
    } catch (SdkException e) {
      throw AwsErrors.map("dynamodb:PutItem", e);
    }
  }

  @Override
  public Result renew(String table, String key, String owner, Instant now, Instant expiresAt) {
    try {
      dynamoDb.updateItem(
          r ->
              r.tableName(table)
                  .key(Map.of(KEY, AttributeValue.fromS(key)))
                  .updateExpression("SET #expiresAt = :expiresAt, #renewedAt = :now, #ttl = :ttl")
                  .conditionExpression("#owner = :owner")
                  .expressionAttributeNames(
                      Map.of(
                          "#owner", OWNER,
                          "#expiresAt", EXPIRES_AT,
                          "#renewedAt", RENEWED_AT,
                          "#ttl", TTL))
                  .expressionAttributeValues(
                      Map.of(
                          ":expiresAt", millis(expiresAt),
                          ":now", millis(now),
                          ":ttl", ttl(expiresAt),
                          ":owner", AttributeValue.fromS(owner)))
                  .returnValuesOnConditionCheckFailure(
                      ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return Result.WON;
    } catch (ConditionalCheckFailedException e) {
      // The item that failed the condition; none when the lease is gone altogether.
      return Result.lost(
          e.hasItem() && !e.item().isEmpty()
              ? Optional.of(lease(key, e.item()))
              : Optional.empty());
    } catch (SdkException e) {
      throw AwsErrors.map("dynamodb:UpdateItem", e);
    }
  }

  @Override
  public boolean release(String table, String key, String owner) {
    try {
      dynamoDb.deleteItem(
          r ->
              r.tableName(table)
                  .key(Map.of(KEY, AttributeValue.fromS(key)))
                  .conditionExpression("#owner = :owner")
                  .expressionAttributeNames(Map.of("#owner", OWNER))
                  .expressionAttributeValues(Map.of(":owner", AttributeValue.fromS(owner))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    } catch (SdkException e) {
      throw AwsErrors.map("dynamodb:DeleteItem", e);
    }
  }

  @Override
  public Optional<Lease> read(String table, String key) {
    try {
      Map<String, AttributeValue> item =
          dynamoDb
              .getItem(
                  r ->
                      r.tableName(table)
                          .key(Map.of(KEY, AttributeValue.fromS(key)))
                          .consistentRead(true))
              .item();
      return item == null || item.isEmpty() ? Optional.empty() : Optional.of(lease(key, item));
    } catch (SdkException e) {
      throw AwsErrors.map("dynamodb:GetItem", e);
    }
  }

  /** The lease that failed a take's condition, read again if DynamoDB did not return it. */
  private Optional<Lease> held(String table, String key, ConditionalCheckFailedException e) {
    if (e.hasItem() && !e.item().isEmpty()) {
      return Optional.of(lease(key, e.item()));
    }
    return read(table, key);
  }

  /** An item as a lease; attributes another writer left out read as unknown or long expired. */
  static Lease lease(String key, Map<String, AttributeValue> item) {
    return new Lease(
        text(item, KEY).orElse(key),
        text(item, OWNER).orElse("?"),
        text(item, HOLDER).orElse("(not recorded)"),
        instant(item, ACQUIRED_AT),
        instant(item, EXPIRES_AT));
  }

  private static Optional<String> text(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null || v.s() == null ? Optional.empty() : Optional.of(v.s());
  }

  private static Instant instant(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    if (v == null || v.n() == null) {
      return Instant.EPOCH;
    }
    try {
      return Instant.ofEpochMilli(Long.parseLong(v.n()));
    } catch (NumberFormatException | java.time.DateTimeException e) {
      return Instant.EPOCH;
    }
  }

  private static AttributeValue millis(Instant t) {
    return AttributeValue.fromN(Long.toString(t.toEpochMilli()));
  }

  /** DynamoDB's time to live reads epoch seconds; rounding up never deletes a lease early. */
  private static AttributeValue ttl(Instant expiresAt) {
    long seconds = Math.ceilDiv(expiresAt.toEpochMilli(), 1000L);
    return AttributeValue.fromN(Long.toString(seconds));
  }
}
