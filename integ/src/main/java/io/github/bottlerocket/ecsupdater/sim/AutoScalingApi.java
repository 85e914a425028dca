package io.github.bottlerocket.ecsupdater.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Auto Scaling {@code DescribeAutoScalingInstances} (at most 50 instance ids, pages of {@code
 * MaxRecords} up to 50) and {@code SetInstanceProtection} (at most 50 ids of one group), over the
 * cluster's {@link AutoScaling}. Instances outside every group are left out of the description, as
 * AWS does.
 */
final class AutoScalingApi {
  private final SimulatedCluster c;

  AutoScalingApi(SimulatedCluster cluster) {
    this.c = cluster;
  }

  JsonNode handle(String operation, JsonNode r) {
    synchronized (c) {
      c.catchUp();
      return switch (operation) {
        case "DescribeAutoScalingInstances" -> describe(r);
        case "SetInstanceProtection" -> protect(r);
        default ->
            throw new AwsError(
                400,
                "InvalidAction",
                "The action " + operation + " is not valid for this web service.");
      };
    }
  }

  private JsonNode describe(JsonNode r) {
    List<String> ids = EcsApi.strings(r, "InstanceIds");
    if (ids.size() > 50) {
      throw validation(
          "The number of instance ids that may be passed in is limited to 50; " + ids.size());
    }
    int max = r.path("MaxRecords").asInt(50);
    if (max < 1 || max > 50) {
      throw validation("MaxRecords must be between 1 and 50: " + max);
    }
    List<AutoScaling.Member> listed = new ArrayList<>();
    for (SimInstance i : c.instances) {
      c.autoScaling()
          .member(i.ec2InstanceId)
          .filter(m -> m.lifecycle == AutoScaling.Lifecycle.IN_SERVICE)
          .filter(m -> ids.isEmpty() || ids.contains(i.ec2InstanceId))
          .ifPresent(listed::add);
    }
    int from =
        Pages.from(
            r,
            "NextToken",
            "asg-instances",
            () -> new AwsError(400, "InvalidNextToken", "The token is invalid."));
    int to = Math.min(listed.size(), from + max);
    ObjectNode out = Wire.JSON.createObjectNode();
    ArrayNode list = out.putArray("AutoScalingInstances");
    for (AutoScaling.Member m : listed.subList(Math.min(from, to), to)) {
      ObjectNode n = list.addObject();
      n.put("InstanceId", m.instance.ec2InstanceId).put("InstanceType", "m5.large");
      n.put("AutoScalingGroupName", m.group.name);
      n.put("AvailabilityZone", SimulatedCluster.REGION + "a");
      n.put("LifecycleState", m.lifecycle.wire).put("HealthStatus", "HEALTHY");
      n.putObject("LaunchTemplate")
          .put("LaunchTemplateId", "lt-0" + Integer.toHexString(m.group.name.hashCode()))
          .put("LaunchTemplateName", m.group.name)
          .put("Version", "1");
      n.put("ProtectedFromScaleIn", m.protectedFromScaleIn);
    }
    if (to < listed.size()) {
      out.put("NextToken", Pages.token("asg-instances", to));
    }
    return out;
  }

  private JsonNode protect(JsonNode r) {
    List<String> ids = EcsApi.strings(r, "InstanceIds");
    String groupName = r.path("AutoScalingGroupName").asText("");
    if (groupName.isEmpty()) {
      throw validation(
          "1 validation error detected: Value null at 'autoScalingGroupName' failed to satisfy constraint: Member must not be null");
    }
    if (!r.has("ProtectedFromScaleIn")) {
      throw validation(
          "1 validation error detected: Value null at 'protectedFromScaleIn' failed to satisfy constraint: Member must not be null");
    }
    if (ids.isEmpty() || ids.size() > 50) {
      throw validation("The number of instance ids must be between 1 and 50; got " + ids.size());
    }
    boolean value = Boolean.parseBoolean(r.path("ProtectedFromScaleIn").asText());
    AutoScaling.Group g =
        c.autoScaling()
            .group(groupName)
            .orElseThrow(() -> validation("AutoScalingGroup name not found - " + groupName));
    List<AutoScaling.Member> targets = new ArrayList<>();
    for (String id : ids) {
      AutoScaling.Member m =
          c.autoScaling()
              .member(id)
              .filter(x -> x.group == g && x.lifecycle == AutoScaling.Lifecycle.IN_SERVICE)
              .orElseThrow(
                  () ->
                      validation(
                          "The instance "
                              + id
                              + " is not part of Auto Scaling group "
                              + groupName
                              + "."));
      targets.add(m);
    }
    for (AutoScaling.Member m : targets) {
      m.protectedFromScaleIn = value;
      m.setThroughApi = value;
    }
    return Wire.JSON.createObjectNode();
  }

  private static AwsError validation(String message) {
    return new AwsError(400, "ValidationError", message);
  }
}
