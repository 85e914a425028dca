package io.github.bottlerocket.ecsupdater;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The updater's one Jackson mapper, for reading payloads and host output and for writing reports,
 * log lines, metrics and events. Made once: a mapper is costly to build and safe to share.
 */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}
}
