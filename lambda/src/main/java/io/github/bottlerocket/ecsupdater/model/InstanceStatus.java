package io.github.bottlerocket.ecsupdater.model;

import java.util.Locale;

/** The ECS status of a container instance. */
public enum InstanceStatus {
  ACTIVE,
  DRAINING,
  REGISTERING,
  DEREGISTERING,
  REGISTRATION_FAILED,
  INACTIVE,
  /** A status this version of the updater does not know; treated as "leave alone". */
  UNKNOWN;

  public static InstanceStatus fromWire(String value) {
    if (value == null) {
      return UNKNOWN;
    }
    try {
      return valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return UNKNOWN;
    }
  }
}
