package io.github.bottlerocket.ecsupdater.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.withSettings;

import io.github.bottlerocket.ecsupdater.port.AwsFault;
import io.github.bottlerocket.ecsupdater.port.LeasePort;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mockito.Answers;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/** The exact requests the lease table gets: conditions, placeholders, values. */
class DynamoDbLeasesTest {
  private static final String ARN = "arn:aws:ecs:us-east-1:123456789012:cluster/prod";
  private static final Instant NOW = Instant.parse("2026-11-26T10:00:00.250Z");
  private static final Instant UNTIL = NOW.plusSeconds(360);

  private final DynamoDbClient client =
      mock(DynamoDbClient.class, withSettings().defaultAnswer(Answers.CALLS_REAL_METHODS));
  private final DynamoDbLeases leases = new DynamoDbLeases(client);

  private static LeasePort.Lease lease() {
    return new LeasePort.Lease(ARN, "run-1", "function f (schedule, request r)", NOW, UNTIL);
  }

  private static Map<String, AttributeValue> item(String owner) {
    return Map.of(
        "clusterArn", AttributeValue.fromS(ARN),
        "owner", AttributeValue.fromS(owner),
        "holder", AttributeValue.fromS("runner alice@laptop (pid 7)"),
        "acquiredAt", AttributeValue.fromN(Long.toString(NOW.toEpochMilli())),
        "renewedAt", AttributeValue.fromN(Long.toString(NOW.toEpochMilli())),
        "expiresAt", AttributeValue.fromN(Long.toString(UNTIL.toEpochMilli())),
        "ttl", AttributeValue.fromN(Long.toString(UNTIL.getEpochSecond() + 1)));
  }

  private static ConditionalCheckFailedException failed(Map<String, AttributeValue> item) {
    return ConditionalCheckFailedException.builder()
        .message("The conditional request failed")
        .item(item)
        .awsErrorDetails(
            AwsErrorDetails.builder().errorCode("ConditionalCheckFailedException").build())
        .statusCode(400)
        .build();
  }

  @Test
  void aTakeIsAConditionalPutThatReturnsTheHolderOnFailure() {
    doReturn(PutItemResponse.builder().build()).when(client).putItem(any(PutItemRequest.class));

    assertThat(leases.take("leases", lease())).isEqualTo(LeasePort.Result.WON);

    ArgumentCaptor<PutItemRequest> r = ArgumentCaptor.forClass(PutItemRequest.class);
    verify(client).putItem(r.capture());
    PutItemRequest put = r.getValue();
    assertThat(put.tableName()).isEqualTo("leases");
    assertThat(put.item())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "clusterArn", AttributeValue.fromS(ARN),
                "owner", AttributeValue.fromS("run-1"),
                "holder", AttributeValue.fromS("function f (schedule, request r)"),
                "acquiredAt", AttributeValue.fromN("1795687200250"),
                "renewedAt", AttributeValue.fromN("1795687200250"),
                "expiresAt", AttributeValue.fromN("1795687560250"),
                // Rounded up: time to live never deletes a lease before it lapses.
                "ttl", AttributeValue.fromN("1795687561")));
    assertThat(put.conditionExpression())
        .isEqualTo(
            "attribute_not_exists(#key) OR attribute_not_exists(#expiresAt)"
                + " OR #expiresAt < :now OR #owner = :owner");
    assertThat(put.expressionAttributeNames())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("#key", "clusterArn", "#expiresAt", "expiresAt", "#owner", "owner"));
    assertThat(put.expressionAttributeValues())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                ":now", AttributeValue.fromN("1795687200250"),
                ":owner", AttributeValue.fromS("run-1")));
    assertThat(put.returnValuesOnConditionCheckFailure())
        .isEqualTo(ReturnValuesOnConditionCheckFailure.ALL_OLD);
  }

  @Test
  void aTakeThatFindsTheLeaseHeldSaysByWhomUntilWhenWithoutAnotherCall() {
    doThrow(failed(item("run-other"))).when(client).putItem(any(PutItemRequest.class));

    LeasePort.Result r = leases.take("leases", lease());

    assertThat(r.won()).isFalse();
    assertThat(r.other())
        .contains(new LeasePort.Lease(ARN, "run-other", "runner alice@laptop (pid 7)", NOW, UNTIL));
  }

  @Test
  void aTakeWhoseFailureCarriesNoItemReadsTheLeaseConsistently() {
    doThrow(failed(Map.of())).when(client).putItem(any(PutItemRequest.class));
    doReturn(GetItemResponse.builder().item(item("run-other")).build())
        .when(client)
        .getItem(any(GetItemRequest.class));

    LeasePort.Result r = leases.take("leases", lease());

    ArgumentCaptor<GetItemRequest> get = ArgumentCaptor.forClass(GetItemRequest.class);
    verify(client).getItem(get.capture());
    assertThat(get.getValue().key()).isEqualTo(Map.of("clusterArn", AttributeValue.fromS(ARN)));
    assertThat(get.getValue().consistentRead()).isTrue();
    assertThat(r.other().orElseThrow().owner()).isEqualTo("run-other");
  }

  @Test
  void aRenewalMovesTheExpiryOnlyWhereTheLeaseIsStillTheOwners() {
    doReturn(UpdateItemResponse.builder().build())
        .when(client)
        .updateItem(any(UpdateItemRequest.class));

    assertThat(leases.renew("leases", ARN, "run-1", NOW, UNTIL).won()).isTrue();

    ArgumentCaptor<UpdateItemRequest> r = ArgumentCaptor.forClass(UpdateItemRequest.class);
    verify(client).updateItem(r.capture());
    UpdateItemRequest u = r.getValue();
    assertThat(u.tableName()).isEqualTo("leases");
    assertThat(u.key()).isEqualTo(Map.of("clusterArn", AttributeValue.fromS(ARN)));
    assertThat(u.updateExpression())
        .isEqualTo("SET #expiresAt = :expiresAt, #renewedAt = :now, #ttl = :ttl");
    assertThat(u.conditionExpression()).isEqualTo("#owner = :owner");
    assertThat(u.expressionAttributeNames())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "#owner", "owner",
                "#expiresAt", "expiresAt",
                "#renewedAt", "renewedAt",
                "#ttl", "ttl"));
    assertThat(u.expressionAttributeValues())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                ":expiresAt", AttributeValue.fromN("1795687560250"),
                ":now", AttributeValue.fromN("1795687200250"),
                ":ttl", AttributeValue.fromN("1795687561"),
                ":owner", AttributeValue.fromS("run-1")));
    assertThat(u.returnValuesOnConditionCheckFailure())
        .isEqualTo(ReturnValuesOnConditionCheckFailure.ALL_OLD);
  }

  @Test
  void aRenewalOfALeaseAnotherPassTookSaysWhoHasItNow() {
    doThrow(failed(item("run-other"))).when(client).updateItem(any(UpdateItemRequest.class));

    LeasePort.Result r = leases.renew("leases", ARN, "run-1", NOW, UNTIL);

    assertThat(r.won()).isFalse();
    assertThat(r.other().orElseThrow().owner()).isEqualTo("run-other");
  }

  @Test
  void aRenewalOfALeaseThatIsGoneIsLostWithNoHolder() {
    doThrow(failed(Map.of())).when(client).updateItem(any(UpdateItemRequest.class));

    assertThat(leases.renew("leases", ARN, "run-1", NOW, UNTIL))
        .isEqualTo(LeasePort.Result.lost(Optional.empty()));
  }

  @Test
  void aReleaseDeletesOnlyTheOwnersLease() {
    doReturn(DeleteItemResponse.builder().build())
        .when(client)
        .deleteItem(any(DeleteItemRequest.class));

    assertThat(leases.release("leases", ARN, "run-1")).isTrue();

    ArgumentCaptor<DeleteItemRequest> r = ArgumentCaptor.forClass(DeleteItemRequest.class);
    verify(client).deleteItem(r.capture());
    assertThat(r.getValue().key()).isEqualTo(Map.of("clusterArn", AttributeValue.fromS(ARN)));
    assertThat(r.getValue().conditionExpression()).isEqualTo("#owner = :owner");
    assertThat(r.getValue().expressionAttributeNames()).isEqualTo(Map.of("#owner", "owner"));
    assertThat(r.getValue().expressionAttributeValues())
        .isEqualTo(Map.of(":owner", AttributeValue.fromS("run-1")));
  }

  @Test
  void aReleaseOfALeaseThatIsNoLongerTheOwnersLeavesItAlone() {
    doThrow(failed(Map.of())).when(client).deleteItem(any(DeleteItemRequest.class));

    assertThat(leases.release("leases", ARN, "run-1")).isFalse();
  }

  @Test
  void anItemWithoutTheExpectedAttributesReadsAsUnknownAndLongExpired() {
    doReturn(
            GetItemResponse.builder().item(Map.of("clusterArn", AttributeValue.fromS(ARN))).build())
        .when(client)
        .getItem(any(GetItemRequest.class));

    assertThat(leases.read("leases", ARN))
        .contains(new LeasePort.Lease(ARN, "?", "(not recorded)", Instant.EPOCH, Instant.EPOCH));
  }

  @Test
  void aTableThatDoesNotExistIsANotFoundFaultNamingTheOperation() {
    doThrow(
            ResourceNotFoundException.builder()
                .message("Requested resource not found")
                .awsErrorDetails(
                    AwsErrorDetails.builder()
                        .errorCode("ResourceNotFoundException")
                        .errorMessage("Requested resource not found")
                        .build())
                .statusCode(400)
                .build())
        .when(client)
        .putItem(any(PutItemRequest.class));

    AwsFault f = catchThrowableOfType(AwsFault.class, () -> leases.take("nope", lease()));

    assertThat(f.kind()).isEqualTo(AwsFault.Kind.NOT_FOUND);
    assertThat(f.operation()).isEqualTo("dynamodb:PutItem");
    assertThat(f.getMessage())
        .startsWith("dynamodb:PutItem failed: ResourceNotFoundException: Requested resource");
  }

  @Test
  void throttlingIsATransientFault() {
    doThrow(
            DynamoDbException.builder()
                .message("Rate of requests exceeds the allowed throughput.")
                .awsErrorDetails(
                    AwsErrorDetails.builder()
                        .errorCode("ProvisionedThroughputExceededException")
                        .errorMessage("Rate of requests exceeds the allowed throughput.")
                        .build())
                .statusCode(400)
                .build())
        .when(client)
        .updateItem(any(UpdateItemRequest.class));

    AwsFault f =
        catchThrowableOfType(
            AwsFault.class, () -> leases.renew("leases", ARN, "run-1", NOW, UNTIL));

    assertThat(f.kind()).isEqualTo(AwsFault.Kind.THROTTLED);
    assertThat(f.kind().isTransient()).isTrue();
  }
}
