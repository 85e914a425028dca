package io.github.bottlerocket.ecsupdater.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.bottlerocket.ecsupdater.Echo;
import io.github.bottlerocket.ecsupdater.app.InvalidRequestException;
import io.github.bottlerocket.ecsupdater.app.Invocation;
import io.github.bottlerocket.ecsupdater.config.ConfigException;
import io.github.bottlerocket.ecsupdater.config.Setting;
import io.github.bottlerocket.ecsupdater.config.Settings;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Arbitrary text at every setting and every request field: the updater either reads a valid
 * configuration or request, or refuses it with its own exception whose message names the setting or
 * field and stays short. No other exception, and no message that repeats an input whole.
 */
class ArbitraryInputPropertyTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Optional<String> REGION = Optional.of("us-east-1");

  /** A fixed text and a few values cut by {@link Echo}: well below this. */
  private static final int LONGEST_MESSAGE = 1000;

  private static final List<String> OPTIONS =
      List.of("dryRun", "ignoreMaintenanceWindow", "checkNow", "maxConcurrent");

  /** Values that sit on an edge of what some setting or field accepts. */
  private static final List<String> EDGES =
      List.of(
          "",
          " ",
          ";",
          ",",
          " ; ; ",
          ", ,",
          "0",
          "-1",
          "1",
          "101",
          "2147483648",
          "0s",
          "1ms",
          "999999999999d",
          "99999999999999999999d",
          "9223372036854775807ms",
          "PT99999999999999999999H",
          "P106751991167301D",
          "-PT1M",
          "PT0.5S",
          "13m29s",
          "14m",
          "15m",
          "30d",
          "31d",
          "365d",
          "366d",
          "7d",
          "48h",
          "49h",
          "true",
          "yes",
          "ON",
          "false",
          "off",
          "maybe",
          "none",
          "daily 00:00-24:00",
          "Sat,Sun 02:00-06:00",
          "Mon-Fri 22:00-04:00; Sat 00:00-24:00",
          ", 02:00-03:00",
          "Sat 25:00-26:00",
          "Sat 02:00-02:00",
          "Funday 02:00-03:00",
          "UTC",
          "Europe/Berlin",
          "GMT+99",
          "+18:00",
          "prod",
          "prod, batch",
          "prod cluster",
          "arn:aws:ecs:us-east-1:123456789012:cluster/prod",
          "arn:aws:ecs:eu-west-1:123456789012:cluster/prod",
          "arn:aws:ecs:us-east-1:123456789012:service/prod/web",
          "BottlerocketUpdater-",
          "\u0000",
          "\n",
          "\uD800",
          "x".repeat(6000));

  @Provide
  Arbitrary<String> text() {
    Arbitrary<String> number =
        Arbitraries.bigIntegers()
            .between(BigInteger.ZERO, BigInteger.TEN.pow(25))
            .map(BigInteger::toString);
    Arbitrary<String> duration =
        Combinators.combine(number, Arbitraries.of("ms", "s", "m", "h", "d", "", " d", "x"))
            .as((n, unit) -> n + unit);
    Arbitrary<String> iso =
        Combinators.combine(
                Arbitraries.of("PT", "P", "-PT", "pt"),
                number,
                Arbitraries.of("S", "M", "H", "D", ""))
            .as((p, n, u) -> p + n + u);
    Arbitrary<String> window =
        Combinators.combine(
                Arbitraries.of(
                    "Sat", "sun", "Mon-Fri", "weekdays", "daily", ",", "-", "Sat,,Sun", ""),
                Arbitraries.integers().between(0, 30),
                Arbitraries.integers().between(0, 70),
                Arbitraries.of(";", "; ", "", ";;"))
            .as((d, h, m, sep) -> d + " " + h + ":" + String.format("%02d", m) + "-06:00" + sep);
    Arbitrary<String> names =
        Arbitraries.of(
                "prod", "b-2", "arn:aws:ecs:us-east-1:123456789012:cluster/x", "", " ", "a b")
            .list()
            .ofMaxSize(4)
            .map(l -> String.join(",", l));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, Arbitraries.strings().ofMaxLength(30)),
        net.jqwik.api.Tuple.of(1, Arbitraries.strings().all().ofMinLength(90).ofMaxLength(600)),
        net.jqwik.api.Tuple.of(
            2, Arbitraries.strings().withChars("0123456789;:,- dhmsPTxy").ofMaxLength(25)),
        net.jqwik.api.Tuple.of(3, Arbitraries.of(EDGES)),
        net.jqwik.api.Tuple.of(2, duration),
        net.jqwik.api.Tuple.of(1, iso),
        net.jqwik.api.Tuple.of(1, window),
        net.jqwik.api.Tuple.of(1, names));
  }

  /** Any JSON value: text as above, numbers, booleans, null, small arrays and objects. */
  @Provide
  Arbitrary<JsonNode> json() {
    Arbitrary<JsonNode> scalar =
        Arbitraries.oneOf(
            text().map(NODES::textNode),
            Arbitraries.integers().map(NODES::numberNode),
            Arbitraries.longs().map(NODES::numberNode),
            Arbitraries.doubles().map(NODES::numberNode),
            Arbitraries.bigIntegers()
                .between(BigInteger.ZERO, BigInteger.TEN.pow(40))
                .map(NODES::numberNode),
            Arbitraries.of(true, false).map(NODES::booleanNode),
            Arbitraries.just(NODES.nullNode()));
    Arbitrary<JsonNode> array =
        scalar
            .list()
            .ofMaxSize(3)
            .map(
                l -> {
                  ArrayNode a = NODES.arrayNode();
                  l.forEach(a::add);
                  return a;
                });
    Arbitrary<JsonNode> object =
        Combinators.combine(text(), scalar)
            .as(
                (k, v) -> {
                  ObjectNode o = NODES.objectNode();
                  o.set(k, v);
                  return o;
                });
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, scalar),
        net.jqwik.api.Tuple.of(1, array),
        net.jqwik.api.Tuple.of(1, object));
  }

  @Property(tries = 2000)
  void anyValueOfOneSettingGivesSettingsOrAnErrorThatNamesIt(
      @ForAll Setting setting, @ForAll("text") String value) {
    Throwable t = catchThrowable(() -> Settings.fromEnvironment(Map.of(setting.key(), value)));

    if (t != null) {
      assertThat(t).isExactlyInstanceOf(ConfigException.class);
      assertThat(((ConfigException) t).problems())
          .isNotEmpty()
          .allSatisfy(p -> assertThat(p).contains(setting.key()).hasSizeLessThan(LONGEST_MESSAGE));
    }
  }

  @Property(tries = 500)
  void anyValuesOfManySettingsGiveSettingsOrErrorsThatNameThem(
      @ForAll("environments") Map<Setting, String> values) {
    Map<String, String> env =
        values.entrySet().stream()
            .collect(Collectors.toMap(e -> e.getKey().key(), Map.Entry::getValue));

    Throwable t = catchThrowable(() -> Settings.fromEnvironment(env));

    if (t != null) {
      assertThat(t).isExactlyInstanceOf(ConfigException.class);
      assertThat(((ConfigException) t).problems())
          .isNotEmpty()
          .allSatisfy(
              p -> {
                assertThat(env.keySet()).anyMatch(p::contains);
                assertThat(p).hasSizeLessThan(LONGEST_MESSAGE);
              });
    }
  }

  @Provide
  Arbitrary<Map<Setting, String>> environments() {
    return Arbitraries.maps(Arbitraries.of(Setting.class), text()).ofMinSize(2).ofMaxSize(8);
  }

  /** Where a field sits in a request, and the request with a value there. */
  private record Placed(String field, ObjectNode request) {}

  @Provide
  Arbitrary<Placed> placed() {
    return Arbitraries.oneOf(
        json().map(v -> new Placed("cluster", request().set("cluster", v))),
        json().map(v -> new Placed("clusters", request().set("clusters", v))),
        json()
            .map(
                v ->
                    new Placed("clusters[0]", request().set("clusters", NODES.arrayNode().add(v)))),
        json()
            .map(
                v ->
                    new Placed(
                        "clusters[1]",
                        request().set("clusters", NODES.arrayNode().add("prod").add(v)))),
        Combinators.combine(Arbitraries.of(OPTIONS), json())
            .as((o, v) -> new Placed(o, request().put("cluster", "prod").set(o, v))),
        Combinators.combine(Arbitraries.of(OPTIONS), json())
            .as(
                (o, v) ->
                    new Placed(
                        o,
                        event(NODES.textNode("arn:aws:ecs:us-east-1:123456789012:cluster/prod"))
                            .set(o, v))),
        json().map(v -> new Placed("detail.clusterArn", event(v))),
        json()
            .map(
                v ->
                    new Placed(
                        "detail-type", event(NODES.textNode("prod")).set("detail-type", v))));
  }

  private static ObjectNode request() {
    return NODES.objectNode();
  }

  private static ObjectNode event(JsonNode clusterArn) {
    ObjectNode e = NODES.objectNode();
    e.put("source", "aws.ecs");
    e.put("detail-type", "ECS Container Instance State Change");
    e.putObject("detail").set("clusterArn", clusterArn);
    return e;
  }

  @Property(tries = 2000)
  void anyValueOfAnyRequestFieldGivesARequestOrAnErrorThatNamesIt(@ForAll("placed") Placed p) {
    Throwable t = catchThrowable(() -> parse(p.request().toString()));

    if (t != null) {
      assertThat(t).isExactlyInstanceOf(InvalidRequestException.class);
      // A field is named whole or, for an array, by its element: 'clusters' or 'clusters[2]'.
      assertThat(t.getMessage())
          .containsAnyOf("'" + p.field() + "'", "'" + p.field() + "[")
          .hasSizeLessThan(LONGEST_MESSAGE);
    }
  }

  @Property(tries = 1000)
  void anyFieldNameGivesARequestOrAnErrorThatNamesIt(
      @ForAll("text") String name, @ForAll("json") JsonNode value) {
    ObjectNode request = request().put("cluster", "prod");
    request.set(name, value);

    Throwable t = catchThrowable(() -> parse(request.toString()));

    if (t != null) {
      assertThat(t).isExactlyInstanceOf(InvalidRequestException.class);
      assertThat(t.getMessage())
          .containsAnyOf(Echo.quote(name), "'" + name + "'", "'cluster'")
          .hasSizeLessThan(LONGEST_MESSAGE);
    }
  }

  @Property(tries = 1000)
  void anyPayloadGivesARequestOrABoundedError(@ForAll("text") String payload) {
    Throwable t = catchThrowable(() -> parse(payload));

    if (t != null) {
      assertThat(t).isExactlyInstanceOf(InvalidRequestException.class);
      assertThat(t.getMessage()).hasSizeLessThan(LONGEST_MESSAGE);
    }
  }

  private static Invocation parse(String payload) {
    return Invocation.parse(payload.getBytes(StandardCharsets.UTF_8), REGION);
  }
}
