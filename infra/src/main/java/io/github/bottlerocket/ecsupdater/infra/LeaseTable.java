package io.github.bottlerocket.ecsupdater.infra;

import io.github.bottlerocket.ecsupdater.aws.DynamoDbLeases;
import io.github.bottlerocket.ecsupdater.port.LeasePort;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.constructs.Construct;

/**
 * The table of the per-cluster leases every changing pass takes: one small item per cluster that a
 * pass is changing, keyed by the cluster ARN ({@code LeasePort.PARTITION_KEY}).
 *
 * <ul>
 *   <li>On-demand billing: a pass writes a few items an hour per cluster; there is nothing to
 *       provision for.
 *   <li>Time to live on {@code DynamoDbLeases.TTL}: the lease of a pass that crashed is deleted
 *       some time after it lapsed. Correctness never waits for it: a lapsed lease is free whether
 *       or not it was deleted.
 *   <li>Point-in-time recovery on: nothing in the table outlives a lease, so there is nothing to
 *       restore, but at a few kilobytes it costs next to nothing, and it keeps the account's
 *       controls (Security Hub DynamoDB.2, cdk-nag AwsSolutions-DDB3) quiet without an exception.
 *   <li>Destroyed with the stack: leases are worth nothing once no updater takes them, and a table
 *       left behind would make a stack of the same name fail to create its own.
 *   <li>Its name is fixed ({@code <document prefix>Leases} unless {@code leaseTableName} is given),
 *       so that a stack deleted and created again names the same table in the cluster tag that a
 *       pass writes.
 * </ul>
 */
final class LeaseTable {
  private LeaseTable() {}

  static Table create(Construct scope, String name) {
    return Table.Builder.create(scope, "LeaseTable")
        .tableName(name)
        .partitionKey(
            Attribute.builder().name(LeasePort.PARTITION_KEY).type(AttributeType.STRING).build())
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .timeToLiveAttribute(DynamoDbLeases.TTL)
        .pointInTimeRecoverySpecification(
            PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
        .removalPolicy(RemovalPolicy.DESTROY)
        .build();
  }
}
