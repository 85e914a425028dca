package io.github.bottlerocket.ecsupdater.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * DynamoDB condition and update expressions over one item: the comparators {@code = <> < <= > >=},
 * {@code BETWEEN}, {@code IN}, {@code AND}, {@code OR}, {@code NOT}, parentheses, the functions
 * {@code attribute_exists}, {@code attribute_not_exists}, {@code attribute_type}, {@code
 * begins_with}, {@code contains} and {@code size}; {@code SET} (with {@code +}, {@code -} and
 * {@code if_not_exists}), {@code REMOVE} and {@code ADD} (numbers). Paths are top-level attribute
 * names, written directly or as {@code #name}; a reserved word must go through {@code
 * ExpressionAttributeNames}, and every name and value given must be used, as DynamoDB checks.
 */
final class DynamoExpressions {
  private static final Set<String> RESERVED = reservedWords();

  /** Names and values given with the request, and which of them the expressions used. */
  static final class Bindings {
    final JsonNode names;
    final JsonNode values;
    final Set<String> usedNames = new HashSet<>();
    final Set<String> usedValues = new HashSet<>();

    Bindings(JsonNode request) {
      this.names = request.path("ExpressionAttributeNames");
      this.values = request.path("ExpressionAttributeValues");
    }

    /** Fails as DynamoDB does when a name or value was given but no expression used it. */
    void checkAllUsed() {
      List<String> unusedNames = new ArrayList<>();
      names.fieldNames().forEachRemaining(n -> unusedNames.add(n));
      unusedNames.removeAll(usedNames);
      if (!unusedNames.isEmpty()) {
        throw AwsError.validation(
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {"
                + String.join(", ", unusedNames)
                + "}");
      }
      List<String> unusedValues = new ArrayList<>();
      values.fieldNames().forEachRemaining(n -> unusedValues.add(n));
      unusedValues.removeAll(usedValues);
      if (!unusedValues.isEmpty()) {
        throw AwsError.validation(
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {"
                + String.join(", ", unusedValues)
                + "}");
      }
    }
  }

  private DynamoExpressions() {}

  /** Whether {@code item} (null when there is none) satisfies {@code expression}. */
  static boolean condition(String expression, ObjectNode item, Bindings b) {
    Parser p = new Parser(expression, "ConditionExpression", b);
    Cond c = p.condition();
    p.end();
    return c.test(item);
  }

  /** Applies {@code expression} to {@code item} in place. */
  static void update(String expression, ObjectNode item, Bindings b) {
    Parser p = new Parser(expression, "UpdateExpression", b);
    List<Runnable> actions = new ArrayList<>();
    boolean any = false;
    while (!p.atEnd()) {
      String clause = p.word().toUpperCase(Locale.ROOT);
      any = true;
      switch (clause) {
        case "SET" -> {
          do {
            String path = p.path();
            p.expect("=");
            Operand v = p.setValue();
            actions.add(() -> item.set(path, v.eval(item)));
          } while (p.accept(","));
        }
        case "REMOVE" -> {
          do {
            String path = p.path();
            actions.add(() -> item.remove(path));
          } while (p.accept(","));
        }
        case "ADD" -> {
          do {
            String path = p.path();
            Operand v = p.operand();
            actions.add(
                () -> {
                  JsonNode add = v.eval(item);
                  JsonNode old = item.get(path);
                  if (add == null || !add.has("N") || (old != null && !old.has("N"))) {
                    throw AwsError.validation(
                        "Invalid UpdateExpression: ADD supports numbers only in the simulation");
                  }
                  BigDecimal sum =
                      new BigDecimal(add.get("N").asText())
                          .add(
                              old == null
                                  ? BigDecimal.ZERO
                                  : new BigDecimal(old.get("N").asText()));
                  item.set(path, number(sum));
                });
          } while (p.accept(","));
        }
        default ->
            throw AwsError.validation(
                "Invalid UpdateExpression: Syntax error; token: \"" + clause + "\"");
      }
    }
    if (!any) {
      throw AwsError.validation("Invalid UpdateExpression: The expression can not be empty;");
    }
    actions.forEach(Runnable::run);
  }

  // ------------------------------------------------------------------ the tree

  private interface Cond {
    boolean test(ObjectNode item);
  }

  private interface Operand {
    /** The value, or null when the path names no attribute. */
    JsonNode eval(ObjectNode item);
  }

  // ------------------------------------------------------------------ parsing

  private static final class Parser {
    private final List<String> tokens;
    private final String what;
    private final Bindings b;
    private int at;

    Parser(String text, String what, Bindings b) {
      this.tokens = tokenize(text, what);
      this.what = what;
      this.b = b;
    }

    boolean atEnd() {
      return at >= tokens.size();
    }

    void end() {
      if (!atEnd()) {
        throw syntax(tokens.get(at));
      }
    }

    String peek() {
      return atEnd() ? "" : tokens.get(at);
    }

    boolean accept(String token) {
      if (peek().equalsIgnoreCase(token)) {
        at++;
        return true;
      }
      return false;
    }

    void expect(String token) {
      if (!accept(token)) {
        throw syntax(atEnd() ? "<EOF>" : peek());
      }
    }

    String word() {
      if (atEnd()) {
        throw syntax("<EOF>");
      }
      return tokens.get(at++);
    }

    Cond condition() {
      Cond left = and();
      while (accept("OR")) {
        Cond l = left;
        Cond r = and();
        left = item -> l.test(item) || r.test(item);
      }
      return left;
    }

    private Cond and() {
      Cond left = not();
      while (accept("AND")) {
        Cond l = left;
        Cond r = not();
        left = item -> l.test(item) && r.test(item);
      }
      return left;
    }

    private Cond not() {
      if (accept("NOT")) {
        Cond c = not();
        return item -> !c.test(item);
      }
      return primary();
    }

    private Cond primary() {
      if (accept("(")) {
        Cond c = condition();
        expect(")");
        return c;
      }
      String fn = peek().toLowerCase(Locale.ROOT);
      if (at + 1 < tokens.size() && tokens.get(at + 1).equals("(") && !fn.equals("size")) {
        at += 2;
        return function(fn);
      }
      Operand left = operand();
      String op = word().toUpperCase(Locale.ROOT);
      switch (op) {
        case "=", "<>", "<", "<=", ">", ">=" -> {
          Operand right = operand();
          return item -> compare(op, left.eval(item), right.eval(item));
        }
        case "BETWEEN" -> {
          Operand low = operand();
          expect("AND");
          Operand high = operand();
          return item -> {
            JsonNode v = left.eval(item);
            return compare(">=", v, low.eval(item)) && compare("<=", v, high.eval(item));
          };
        }
        case "IN" -> {
          expect("(");
          List<Operand> options = new ArrayList<>();
          do {
            options.add(operand());
          } while (accept(","));
          expect(")");
          return item -> {
            JsonNode v = left.eval(item);
            return options.stream().anyMatch(o -> compare("=", v, o.eval(item)));
          };
        }
        default -> throw syntax(op);
      }
    }

    private Cond function(String fn) {
      Cond c =
          switch (fn) {
            case "attribute_exists" -> {
              String path = path();
              yield item -> item != null && item.has(path);
            }
            case "attribute_not_exists" -> {
              String path = path();
              yield item -> item == null || !item.has(path);
            }
            case "attribute_type" -> {
              String path = path();
              expect(",");
              Operand type = operand();
              yield item -> {
                JsonNode v = item == null ? null : item.get(path);
                JsonNode t = type.eval(item);
                return v != null && t != null && v.has(t.path("S").asText());
              };
            }
            case "begins_with", "contains" -> {
              Operand subject = operand();
              expect(",");
              Operand part = operand();
              boolean begins = fn.equals("begins_with");
              yield item -> {
                JsonNode s = subject.eval(item);
                JsonNode q = part.eval(item);
                if (s == null || q == null || !s.has("S") || !q.has("S")) {
                  return false;
                }
                String text = s.get("S").asText();
                String sub = q.get("S").asText();
                return begins ? text.startsWith(sub) : text.contains(sub);
              };
            }
            default -> throw syntax(fn);
          };
      expect(")");
      return c;
    }

    Operand operand() {
      if (peek().equalsIgnoreCase("size")
          && at + 1 < tokens.size()
          && tokens.get(at + 1).equals("(")) {
        at += 2;
        String path = path();
        expect(")");
        return item -> {
          JsonNode v = item == null ? null : item.get(path);
          if (v == null) {
            return null;
          }
          String type = v.fieldNames().next();
          JsonNode content = v.get(type);
          long size =
              content.isArray() || content.isObject() ? content.size() : content.asText().length();
          return number(BigDecimal.valueOf(size));
        };
      }
      String t = word();
      if (t.startsWith(":")) {
        JsonNode v = b.values.get(t);
        if (v == null) {
          throw AwsError.validation(
              "Invalid "
                  + what
                  + ": An expression attribute value used in expression is not defined; attribute value: "
                  + t);
        }
        b.usedValues.add(t);
        return item -> v;
      }
      at--;
      String path = path();
      return item -> item == null ? null : item.get(path);
    }

    Operand setValue() {
      Operand first;
      if (peek().equalsIgnoreCase("if_not_exists")
          && at + 1 < tokens.size()
          && tokens.get(at + 1).equals("(")) {
        at += 2;
        String path = path();
        expect(",");
        Operand fallback = operand();
        expect(")");
        first = item -> item != null && item.has(path) ? item.get(path) : fallback.eval(item);
      } else {
        first = operand();
      }
      if (peek().equals("+") || peek().equals("-")) {
        boolean plus = word().equals("+");
        Operand second = operand();
        Operand left = first;
        return item -> {
          JsonNode x = left.eval(item);
          JsonNode y = second.eval(item);
          if (x == null || y == null || !x.has("N") || !y.has("N")) {
            throw AwsError.validation(
                "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: "
                    + (plus ? "+" : "-"));
          }
          BigDecimal a = new BigDecimal(x.get("N").asText());
          BigDecimal c = new BigDecimal(y.get("N").asText());
          return number(plus ? a.add(c) : a.subtract(c));
        };
      }
      return first;
    }

    String path() {
      String t = word();
      String name;
      if (t.startsWith("#")) {
        JsonNode n = b.names.get(t);
        if (n == null) {
          throw AwsError.validation(
              "Invalid "
                  + what
                  + ": An expression attribute name used in the document path is not defined; attribute name: "
                  + t);
        }
        b.usedNames.add(t);
        name = n.asText();
      } else if (t.matches("[A-Za-z][A-Za-z0-9_]*")) {
        if (RESERVED.contains(t.toUpperCase(Locale.ROOT))) {
          throw AwsError.validation(
              "Invalid " + what + ": Attribute name is a reserved keyword; reserved keyword: " + t);
        }
        name = t;
      } else {
        throw syntax(t);
      }
      if (peek().equals(".") || peek().equals("[")) {
        throw AwsError.validation(
            "The simulated DynamoDB takes top-level attribute names only, not document paths: "
                + t
                + peek());
      }
      return name;
    }

    private AwsError syntax(String token) {
      return AwsError.validation("Invalid " + what + ": Syntax error; token: \"" + token + "\"");
    }
  }

  private static List<String> tokenize(String text, String what) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      char ch = text.charAt(i);
      if (Character.isWhitespace(ch)) {
        i++;
      } else if ("(),=+-.[]".indexOf(ch) >= 0) {
        out.add(String.valueOf(ch));
        i++;
      } else if (ch == '<' || ch == '>') {
        if (i + 1 < text.length()
            && (text.charAt(i + 1) == '=' || (ch == '<' && text.charAt(i + 1) == '>'))) {
          out.add(text.substring(i, i + 2));
          i += 2;
        } else {
          out.add(String.valueOf(ch));
          i++;
        }
      } else if (ch == '#' || ch == ':' || Character.isLetterOrDigit(ch) || ch == '_') {
        int j = i + 1;
        while (j < text.length()
            && (Character.isLetterOrDigit(text.charAt(j)) || text.charAt(j) == '_')) {
          j++;
        }
        out.add(text.substring(i, j));
        i = j;
      } else {
        throw AwsError.validation(
            "Invalid " + what + ": Syntax error; token: \"" + ch + "\", near: \"" + text + "\"");
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ values

  /**
   * DynamoDB's comparison: only values of one type order ({@code N} by number, {@code S} by code
   * point); a missing attribute or a type mismatch makes every comparison false but {@code <>}.
   */
  static boolean compare(String op, JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return op.equals("<>");
    }
    String ta = a.fieldNames().hasNext() ? a.fieldNames().next() : "";
    String tb = b.fieldNames().hasNext() ? b.fieldNames().next() : "";
    if (!ta.equals(tb)) {
      return op.equals("<>");
    }
    if (op.equals("=") || op.equals("<>")) {
      boolean equal = ta.equals("N") ? numeric(a).compareTo(numeric(b)) == 0 : a.equals(b);
      return op.equals("=") == equal;
    }
    int c;
    if (ta.equals("N")) {
      c = numeric(a).compareTo(numeric(b));
    } else if (ta.equals("S") || ta.equals("B")) {
      c = a.get(ta).asText().compareTo(b.get(tb).asText());
    } else {
      return false;
    }
    return switch (op) {
      case "<" -> c < 0;
      case "<=" -> c <= 0;
      case ">" -> c > 0;
      default -> c >= 0;
    };
  }

  private static BigDecimal numeric(JsonNode n) {
    try {
      return new BigDecimal(n.get("N").asText());
    } catch (NumberFormatException e) {
      throw AwsError.validation("The parameter cannot be converted to a numeric value: " + n);
    }
  }

  static JsonNode number(BigDecimal n) {
    return Wire.JSON.createObjectNode().put("N", n.stripTrailingZeros().toPlainString());
  }

  /** Checks an attribute value's shape (one type key with a value of that type). */
  static void checkValue(String name, JsonNode v) {
    Iterator<String> types = v.fieldNames();
    if (!v.isObject() || v.size() != 1) {
      throw AwsError.validation(
          "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes: "
              + name);
    }
    String type = types.next();
    if (type.equals("N")) {
      numeric(v);
    } else if (!Set.of("S", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS").contains(type)) {
      throw AwsError.validation("Supplied AttributeValue has an unknown type " + type);
    }
  }

  /**
   * Some of DynamoDB's reserved words: those an item of this project could plausibly name. AWS
   * refuses several hundred; the simulation refuses these, which is enough to catch an expression
   * that names an attribute without an {@code ExpressionAttributeNames} placeholder.
   */
  private static Set<String> reservedWords() {
    return Set.of(
        "CLUSTER",
        "COMMENT",
        "COUNT",
        "DATA",
        "DATE",
        "GROUP",
        "INDEX",
        "KEY",
        "NAME",
        "OWNER",
        "SIZE",
        "STATUS",
        "TABLE",
        "TIME",
        "TIMESTAMP",
        "TTL",
        "USER",
        "VALUE",
        "YEAR");
  }
}
