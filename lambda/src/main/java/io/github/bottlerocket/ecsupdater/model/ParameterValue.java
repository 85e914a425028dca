package io.github.bottlerocket.ecsupdater.model;

import java.time.Instant;
import java.util.Objects;

/**
 * An SSM parameter as GetParameters returns it.
 *
 * @param name its name
 * @param value its value
 * @param lastModified when it was last written (LastModifiedDate)
 */
public record ParameterValue(String name, String value, Instant lastModified) {
  public ParameterValue {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(lastModified, "lastModified");
  }
}
