package io.github.bottlerocket.ecsupdater.sim;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints JSON the way Bottlerocket's tools do (serde_json): {@link #compact} in the order the map
 * iterates (struct order for the API's own body), {@link #prettySorted} with two-space indent,
 * {@code "key": value} and keys sorted, as {@code apiclient update check} prints a status. Values
 * are maps, lists, strings, numbers, booleans and {@code null}.
 */
final class RustJson {
  private RustJson() {}

  static String compact(Object value) {
    StringBuilder b = new StringBuilder();
    write(b, value, false, -1);
    return b.toString();
  }

  static String prettySorted(Object value) {
    StringBuilder b = new StringBuilder();
    write(b, value, true, 0);
    return b.toString();
  }

  private static void write(StringBuilder b, Object v, boolean sorted, int indent) {
    boolean pretty = indent >= 0;
    switch (v) {
      case null -> b.append("null");
      case String s ->
          b.append('"').append(JsonStringEncoder.getInstance().quoteAsString(s)).append('"');
      case Number n -> b.append(n);
      case Boolean x -> b.append(x);
      case Map<?, ?> m -> {
        Map<?, ?> entries = sorted ? new TreeMap<>(m) : m;
        if (entries.isEmpty()) {
          b.append("{}");
          return;
        }
        b.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : entries.entrySet()) {
          if (!first) {
            b.append(',');
          }
          first = false;
          newline(b, pretty, indent + 1);
          b.append('"')
              .append(JsonStringEncoder.getInstance().quoteAsString(e.getKey().toString()))
              .append('"');
          b.append(pretty ? ": " : ":");
          write(b, e.getValue(), sorted, pretty ? indent + 1 : -1);
        }
        newline(b, pretty, indent);
        b.append('}');
      }
      case List<?> l -> {
        if (l.isEmpty()) {
          b.append("[]");
          return;
        }
        b.append('[');
        for (int i = 0; i < l.size(); i++) {
          if (i > 0) {
            b.append(',');
          }
          newline(b, pretty, indent + 1);
          write(b, l.get(i), sorted, pretty ? indent + 1 : -1);
        }
        newline(b, pretty, indent);
        b.append(']');
      }
      default -> throw new IllegalArgumentException("not a JSON value: " + v.getClass());
    }
  }

  private static void newline(StringBuilder b, boolean pretty, int indent) {
    if (pretty) {
      b.append('\n').append("  ".repeat(indent));
    }
  }
}
