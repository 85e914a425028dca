package io.github.bottlerocket.ecsupdater.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Supplier;

/** Opaque page tokens: which list they belong to and where the next page starts. */
final class Pages {
  private Pages() {}

  static String token(String list, int next) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((list + ":" + next).getBytes(StandardCharsets.UTF_8));
  }

  /** Where the page asked for by {@code r}'s {@code field} starts; 0 without a token. */
  static int from(JsonNode r, String field, String list, Supplier<AwsError> invalid) {
    String token = r.path(field).asText("");
    if (token.isEmpty()) {
      return 0;
    }
    try {
      String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      if (!decoded.startsWith(list + ":")) {
        throw invalid.get();
      }
      return Integer.parseInt(decoded.substring(list.length() + 1));
    } catch (IllegalArgumentException e) {
      throw invalid.get();
    }
  }
}
