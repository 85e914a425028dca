package io.github.bottlerocket.ecsupdater.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.bottlerocket.ecsupdater.aws.AutoScalingAdapter;
import io.github.bottlerocket.ecsupdater.model.AutoScalingInstance;
import io.github.bottlerocket.ecsupdater.port.AutoScalingPort;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingInstanceDetails;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * What moto_server 5.2.1 serves of the calls the coming gates, lease and fan-out need, one small
 * contract per call through the SDK clients (integ/README.md has the table). Each test pins moto's
 * behaviour, quirks included, so that a change in moto shows here first; where moto does not serve
 * a call, the test pins how it answers, which is what the updater's fallbacks must survive.
 */
@ExtendWith(MotoSuiteTest.WhenMotoServerIsInstalled.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MotoContractTest {
  private MotoServer moto;
  private URI endpoint;

  @BeforeAll
  void startMoto() throws IOException {
    moto = MotoServer.startForTests("contracts");
    endpoint = moto.endpoint();
  }

  @AfterAll
  void stopMoto() {
    if (moto != null) {
      moto.close();
    }
  }

  @BeforeEach
  void reset() {
    moto.reset();
  }

  private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder) {
    return builder
        .endpointOverride(endpoint)
        .region(EmulatorScenarios.REGION)
        .credentialsProvider(EmulatorScenarios.CREDENTIALS)
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  private static AwsServiceException error(Runnable call) {
    AwsServiceException e = catchThrowableOfType(AwsServiceException.class, call::run);
    assertThat(e).as("moto answered without an error").isNotNull();
    return e;
  }

  /** moto's answer to an action it does not implement: HTTP 500, an HTML page, no error code. */
  private static void assertNotImplemented(AwsServiceException e) {
    assertThat(e.statusCode()).isEqualTo(500);
    assertThat(e.awsErrorDetails().errorCode()).isNull();
  }

  // ------------------------------------------------------------------ SSM

  @Test
  void ssmListCommandInvocationsIsNotServed() {
    try (SsmClient ssm = client(SsmClient.builder())) {
      assertNotImplemented(
          error(
              () ->
                  ssm.listCommandInvocations(
                      r -> r.commandId("00000000-0000-4000-8000-000000000000").details(true))));
    }
  }

  @Test
  void ssmGetCalendarStateIsNotServed() {
    try (SsmClient ssm = client(SsmClient.builder())) {
      assertNotImplemented(error(() -> ssm.getCalendarState(r -> r.calendarNames("freeze"))));
    }
  }

  @Test
  void ssmHasNoBottlerocketPublicParameters() {
    try (SsmClient ssm = client(SsmClient.builder())) {
      AwsServiceException e =
          error(
              () ->
                  ssm.getParameter(
                      r -> r.name("/aws/service/bottlerocket/aws-ecs-2/x86_64/latest/image_id")));

      assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ParameterNotFound");
    }
  }

  @Test
  void ssmStringParametersAreWrittenAndReadWithParameterNotFoundAndTheTenNameLimit() {
    try (SsmClient ssm = client(SsmClient.builder())) {
      ssm.putParameter(
          r -> r.name("/updater/prod/control").value("run").type(ParameterType.STRING));

      var p = ssm.getParameter(r -> r.name("/updater/prod/control")).parameter();
      var some = ssm.getParameters(r -> r.names("/updater/prod/control", "/updater/none"));
      AwsServiceException missing = error(() -> ssm.getParameter(r -> r.name("/updater/none")));
      AwsServiceException eleven =
          error(
              () ->
                  ssm.getParameters(
                      r ->
                          r.names(
                              java.util.stream.IntStream.range(0, 11)
                                  .mapToObj(i -> "/p" + i)
                                  .toList())));

      assertThat(p.value()).isEqualTo("run");
      assertThat(p.lastModifiedDate()).isNotNull();
      assertThat(some.invalidParameters()).containsExactly("/updater/none");
      assertThat(missing.awsErrorDetails().errorCode()).isEqualTo("ParameterNotFound");
      assertThat(eleven.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
    }
  }

  // ------------------------------------------------------------------ ECS

  @Test
  void ecsTaskProtectionIsNotServed() {
    try (EcsClient ecs = client(EcsClient.builder())) {
      String cluster = ecs.createCluster(r -> r.clusterName("protection")).cluster().clusterArn();

      assertNotImplemented(
          error(() -> ecs.getTaskProtection(r -> r.cluster(cluster).tasks("t-1"))));
      assertNotImplemented(
          error(
              () ->
                  ecs.updateTaskProtection(
                      r -> r.cluster(cluster).tasks("t-1").protectionEnabled(true))));
    }
  }

  @Test
  void ecsCountsTheTasksOfAContainerInstance() {
    try (EmulatorCluster cluster =
            new EmulatorCluster(endpoint, EmulatorScenarios.REGION, EmulatorScenarios.CREDENTIALS);
        EcsClient ecs = client(EcsClient.builder())) {
      String arn = cluster.createCluster("counts");
      String instance = cluster.register(arn, 1, null).get(0);
      ecs.registerTaskDefinition(
          r ->
              r.family("web")
                  .containerDefinitions(
                      ContainerDefinition.builder().name("web").image("web").memory(128).build()));
      ecs.runTask(r -> r.cluster(arn).taskDefinition("web").count(2));

      var ci =
          ecs.describeContainerInstances(r -> r.cluster(arn).containerInstances(instance))
              .containerInstances()
              .get(0);

      assertThat(ci.runningTasksCount() + ci.pendingTasksCount()).isEqualTo(2);
    }
  }

  // ------------------------------------------------------------------ CloudWatch

  @Test
  void cloudWatchIsNotServedInTheProtocolTheSdkSpeaks() {
    // The SDK's CloudWatch client speaks Smithy RPC v2 CBOR (POST
    // /service/GraniteServiceVersion20100801/operation/<name>); moto 5.2.1 serves CloudWatch over
    // the query protocol only and answers these paths 404, so no alarm can be created or read.
    try (CloudWatchClient cw = client(CloudWatchClient.builder())) {
      AwsServiceException put =
          error(
              () ->
                  cw.putMetricAlarm(
                      r ->
                          r.alarmName("HighErrors")
                              .metricName("Errors")
                              .namespace("App")
                              .statistic(Statistic.SUM)
                              .period(60)
                              .evaluationPeriods(1)
                              .threshold(1.0)
                              .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)));
      AwsServiceException describe =
          error(() -> cw.describeAlarms(r -> r.alarmNames("HighErrors")));

      assertThat(put.statusCode()).isEqualTo(404);
      assertThat(describe.statusCode()).isEqualTo(404);
      assertThat(describe.awsErrorDetails().errorCode()).isNull();
    }
  }

  // ------------------------------------------------------------------ Auto Scaling

  @Test
  void autoScalingDescribesMembersAndSetsTheirProtectionWithoutAwsLimits() {
    try (AutoScalingClient asg = client(AutoScalingClient.builder())) {
      asg.createLaunchConfiguration(
          r ->
              r.launchConfigurationName("lc")
                  .imageId(EmulatorCluster.AMI)
                  .instanceType("m5.large"));
      asg.createAutoScalingGroup(
          r ->
              r.autoScalingGroupName("asg-a")
                  .launchConfigurationName("lc")
                  .minSize(0)
                  .maxSize(3)
                  .desiredCapacity(2)
                  .availabilityZones("us-east-1a"));
      List<String> ids =
          asg.describeAutoScalingInstances(r -> r.maxRecords(50)).autoScalingInstances().stream()
              .map(AutoScalingInstanceDetails::instanceId)
              .toList();

      asg.setInstanceProtection(
          r -> r.autoScalingGroupName("asg-a").instanceIds(ids.get(0)).protectedFromScaleIn(true));
      var after = asg.describeAutoScalingInstances(r -> r.instanceIds(ids)).autoScalingInstances();
      var unknown =
          asg.describeAutoScalingInstances(r -> r.instanceIds("i-0123456789abcdef0"))
              .autoScalingInstances();
      AwsServiceException noGroup =
          error(
              () ->
                  asg.setInstanceProtection(
                      r ->
                          r.autoScalingGroupName("nope")
                              .instanceIds(ids.get(0))
                              .protectedFromScaleIn(true)));

      assertThat(ids).hasSize(2);
      assertThat(after)
          .extracting(AutoScalingInstanceDetails::protectedFromScaleIn)
          .containsExactly(true, false);
      assertThat(after).allSatisfy(i -> assertThat(i.autoScalingGroupName()).isEqualTo("asg-a"));
      assertThat(unknown).isEmpty();
      // Quirk: AWS answers ValidationError for a group that does not exist; moto fails.
      assertNotImplemented(noGroup);
    }
  }

  @Test
  void theUpdatersAutoScalingAdapterReadsMembershipAndSetsAndClearsProtection() {
    try (AutoScalingClient asg = client(AutoScalingClient.builder())) {
      asg.createLaunchConfiguration(
          r ->
              r.launchConfigurationName("lc")
                  .imageId(EmulatorCluster.AMI)
                  .instanceType("m5.large"));
      asg.createAutoScalingGroup(
          r ->
              r.autoScalingGroupName("asg-b")
                  .launchConfigurationName("lc")
                  .minSize(0)
                  .maxSize(2)
                  .desiredCapacity(2)
                  .availabilityZones("us-east-1a"));
      List<String> ids =
          asg.describeAutoScalingInstances(r -> r.maxRecords(50)).autoScalingInstances().stream()
              .map(AutoScalingInstanceDetails::instanceId)
              .toList();
      AutoScalingPort port = new AutoScalingAdapter(asg);
      List<String> asked = List.of(ids.get(0), "i-0123456789abcdef0");

      List<AutoScalingInstance> before = port.describeInstances(asked);
      port.setProtection("asg-b", List.of(ids.get(0)), true);
      List<AutoScalingInstance> shielded = port.describeInstances(asked);
      port.setProtection("asg-b", List.of(ids.get(0)), false);
      List<AutoScalingInstance> cleared = port.describeInstances(asked);

      // The instance of no group is left out, as AWS leaves it out.
      assertThat(before)
          .containsExactly(new AutoScalingInstance(ids.get(0), "asg-b", "InService", false));
      assertThat(shielded)
          .extracting(AutoScalingInstance::protectedFromScaleIn)
          .containsExactly(true);
      assertThat(cleared)
          .extracting(AutoScalingInstance::protectedFromScaleIn)
          .containsExactly(false);
      assertThat(before.get(0).inService()).isTrue();
    }
  }

  // ------------------------------------------------------------------ DynamoDB

  @Test
  void dynamoDbConditionalWritesFailWithTheItemAndReservedWordsAreRefused() {
    try (DynamoDbClient ddb = client(DynamoDbClient.builder())) {
      ddb.createTable(
          r ->
              r.tableName("leases")
                  .billingMode(BillingMode.PAY_PER_REQUEST)
                  .keySchema(
                      KeySchemaElement.builder()
                          .attributeName("cluster")
                          .keyType(KeyType.HASH)
                          .build())
                  .attributeDefinitions(
                      AttributeDefinition.builder()
                          .attributeName("cluster")
                          .attributeType(ScalarAttributeType.S)
                          .build()));
      Map<String, AttributeValue> lease =
          Map.of(
              "cluster", AttributeValue.fromS("prod"),
              "holder", AttributeValue.fromS("pass-1"),
              "expires", AttributeValue.fromN("1000"));
      ddb.putItem(
          r ->
              r.tableName("leases")
                  .item(lease)
                  .conditionExpression("attribute_not_exists(#c)")
                  .expressionAttributeNames(Map.of("#c", "cluster")));

      ConditionalCheckFailedException held =
          catchThrowableOfType(
              ConditionalCheckFailedException.class,
              () ->
                  ddb.putItem(
                      r ->
                          r.tableName("leases")
                              .item(Map.of("cluster", AttributeValue.fromS("prod")))
                              .conditionExpression("attribute_not_exists(#c) OR expires < :now")
                              .expressionAttributeNames(Map.of("#c", "cluster"))
                              .expressionAttributeValues(
                                  Map.of(":now", AttributeValue.fromN("900")))
                              .returnValuesOnConditionCheckFailure(
                                  ReturnValuesOnConditionCheckFailure.ALL_OLD)));
      var renewed =
          ddb.updateItem(
              r ->
                  r.tableName("leases")
                      .key(Map.of("cluster", AttributeValue.fromS("prod")))
                      .updateExpression("SET expires = :e")
                      .conditionExpression("holder = :me")
                      .expressionAttributeValues(
                          Map.of(
                              ":e",
                              AttributeValue.fromN("2000"),
                              ":me",
                              AttributeValue.fromS("pass-1"))));
      AwsServiceException reserved =
          error(
              () ->
                  ddb.putItem(
                      r ->
                          r.tableName("leases")
                              .item(lease)
                              .conditionExpression("attribute_not_exists(cluster)")));
      AwsServiceException noTable =
          error(
              () ->
                  ddb.getItem(
                      r -> r.tableName("nope").key(Map.of("cluster", AttributeValue.fromS("x")))));

      assertThat(held).isNotNull();
      assertThat(held.item()).containsEntry("holder", AttributeValue.fromS("pass-1"));
      assertThat(renewed).isNotNull();
      assertThat(reserved.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
      assertThat(noTable.awsErrorDetails().errorCode()).isEqualTo("ResourceNotFoundException");
    }
  }

  // ------------------------------------------------------------------ SQS

  @Test
  void sqsFifoSendMessageNeedsAMessageGroup() {
    try (SqsClient sqs = client(SqsClient.builder())) {
      String queue =
          sqs.createQueue(
                  r ->
                      r.queueName("passes.fifo")
                          .attributes(
                              Map.of(
                                  QueueAttributeName.FIFO_QUEUE, "true",
                                  QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true")))
              .queueUrl();

      var sent = sqs.sendMessage(r -> r.queueUrl(queue).messageBody("prod").messageGroupId("prod"));
      AwsServiceException noGroup =
          error(() -> sqs.sendMessage(r -> r.queueUrl(queue).messageBody("x")));
      var received =
          sqs.receiveMessage(
                  r ->
                      r.queueUrl(queue)
                          .maxNumberOfMessages(10)
                          .messageSystemAttributeNamesWithStrings("MessageGroupId"))
              .messages();

      assertThat(sent.messageId()).isNotEmpty();
      assertThat(noGroup.awsErrorDetails().errorCode()).isEqualTo("MissingParameter");
      assertThat(received)
          .singleElement()
          .satisfies(
              m -> assertThat(m.attributesAsStrings()).containsEntry("MessageGroupId", "prod"));
    }
  }
}
