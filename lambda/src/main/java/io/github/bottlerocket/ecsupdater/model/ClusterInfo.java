package io.github.bottlerocket.ecsupdater.model;

import java.util.Map;
import java.util.Objects;

/**
 * An ECS cluster and the updater's tags on it.
 *
 * @param arn the cluster ARN
 * @param name the cluster name
 * @param status ACTIVE, PROVISIONING, INACTIVE, ...
 * @param tags the cluster's tags whose keys start with the updater's prefix
 */
public record ClusterInfo(String arn, String name, String status, Map<String, String> tags) {
  public ClusterInfo {
    Objects.requireNonNull(arn, "arn");
    Objects.requireNonNull(name, "name");
    status = status == null ? "" : status;
    tags = Map.copyOf(tags);
  }
}
