package io.github.bottlerocket.ecsupdater.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.bottlerocket.ecsupdater.aws.DynamoDbLeases;
import io.github.bottlerocket.ecsupdater.port.AwsFault;
import io.github.bottlerocket.ecsupdater.port.LeasePort;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The updater's lease adapter ({@link DynamoDbLeases}) against moto_server's DynamoDB: the
 * conditional take, renewal and release, each with the condition failing as well as passing, in the
 * table layout the stack creates.
 */
@ExtendWith(MotoSuiteTest.WhenMotoServerIsInstalled.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MotoLeaseTest {
  private static final String TABLE = "updater-Leases";
  private static final String CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/prod";
  private static final Instant T0 = Instant.parse("2025-06-02T09:00:00Z");
  private static final Duration LEASE = Duration.ofMinutes(6);

  private MotoServer moto;
  private DynamoDbClient dynamoDb;
  private LeasePort leases;

  @BeforeAll
  void startMoto() throws IOException {
    moto = MotoServer.startForTests("lease");
    dynamoDb =
        DynamoDbClient.builder()
            .endpointOverride(moto.endpoint())
            .region(EmulatorScenarios.REGION)
            .credentialsProvider(EmulatorScenarios.CREDENTIALS)
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD))
            .build();
    leases = new DynamoDbLeases(dynamoDb);
  }

  @AfterAll
  void stopMoto() {
    if (dynamoDb != null) {
      dynamoDb.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  @BeforeEach
  void freshTable() {
    moto.reset();
    dynamoDb.createTable(
        r ->
            r.tableName(TABLE)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(
                    KeySchemaElement.builder()
                        .attributeName(LeasePort.PARTITION_KEY)
                        .keyType(KeyType.HASH)
                        .build())
                .attributeDefinitions(
                    AttributeDefinition.builder()
                        .attributeName(LeasePort.PARTITION_KEY)
                        .attributeType(ScalarAttributeType.S)
                        .build()));
  }

  private static LeasePort.Lease lease(String owner, Instant at) {
    return new LeasePort.Lease(CLUSTER, owner, "pass " + owner, at, at.plus(LEASE));
  }

  @Test
  void aHeldLeaseKeepsEveryOtherPassOutUntilItExpires() {
    assertThat(leases.take(TABLE, lease("run-a", T0)).won()).isTrue();

    LeasePort.Result busy = leases.take(TABLE, lease("run-b", T0.plusSeconds(30)));

    assertThat(busy.won()).isFalse();
    assertThat(busy.other()).map(LeasePort.Lease::owner).contains("run-a");
    assertThat(busy.other()).map(LeasePort.Lease::holder).contains("pass run-a");
    assertThat(busy.other()).map(LeasePort.Lease::expiresAt).contains(T0.plus(LEASE));
    assertThat(leases.read(TABLE, CLUSTER)).map(LeasePort.Lease::owner).contains("run-a");
  }

  @Test
  void aRetriedTakeOfTheSameOwnerWins() {
    leases.take(TABLE, lease("run-a", T0));

    assertThat(leases.take(TABLE, lease("run-a", T0.plusSeconds(1))).won()).isTrue();
  }

  @Test
  void onlyTheOwnerRenewsAndReleases() {
    leases.take(TABLE, lease("run-a", T0));
    Instant later = T0.plus(Duration.ofMinutes(2));

    LeasePort.Result stranger = leases.renew(TABLE, CLUSTER, "run-b", later, later.plus(LEASE));
    boolean strangerReleased = leases.release(TABLE, CLUSTER, "run-b");
    LeasePort.Result owner = leases.renew(TABLE, CLUSTER, "run-a", later, later.plus(LEASE));

    assertThat(stranger.won()).isFalse();
    assertThat(stranger.other()).map(LeasePort.Lease::owner).contains("run-a");
    assertThat(strangerReleased).isFalse();
    assertThat(owner.won()).isTrue();
    assertThat(leases.read(TABLE, CLUSTER))
        .map(LeasePort.Lease::expiresAt)
        .contains(later.plus(LEASE));
    assertThat(leases.release(TABLE, CLUSTER, "run-a")).isTrue();
    assertThat(leases.read(TABLE, CLUSTER)).isEmpty();
  }

  @Test
  void anExpiredLeaseIsTakenOverAndItsFormerOwnerCanNeitherRenewNorReleaseIt() {
    leases.take(TABLE, lease("run-a", T0));
    Instant afterExpiry = T0.plus(LEASE).plusMillis(1);

    assertThat(leases.take(TABLE, lease("run-b", afterExpiry)).won()).isTrue();
    LeasePort.Result late =
        leases.renew(TABLE, CLUSTER, "run-a", afterExpiry, afterExpiry.plus(LEASE));

    assertThat(late.won()).isFalse();
    assertThat(late.other()).map(LeasePort.Lease::owner).contains("run-b");
    assertThat(leases.release(TABLE, CLUSTER, "run-a")).isFalse();
    assertThat(leases.read(TABLE, CLUSTER)).map(LeasePort.Lease::owner).contains("run-b");
  }

  @Test
  void aRenewalOfALeaseThatIsGoneIsLostWithNoHolder() {
    leases.take(TABLE, lease("run-a", T0));
    leases.release(TABLE, CLUSTER, "run-a");

    LeasePort.Result gone =
        leases.renew(TABLE, CLUSTER, "run-a", T0.plusSeconds(120), T0.plus(LEASE));

    // moto creates no item on a failed update: the lease stays gone.
    assertThat(gone.won()).isFalse();
    assertThat(gone.other()).isEqualTo(Optional.empty());
    assertThat(leases.read(TABLE, CLUSTER)).isEmpty();
  }

  @Test
  void aTableThatDoesNotExistIsANotFoundFaultNamingTheCall() {
    AwsFault fault =
        catchThrowableOfType(AwsFault.class, () -> leases.take("no-such-table", lease("a", T0)));

    assertThat(fault.kind()).isEqualTo(AwsFault.Kind.NOT_FOUND);
    assertThat(fault.operation()).isEqualTo("dynamodb:PutItem");
  }
}
