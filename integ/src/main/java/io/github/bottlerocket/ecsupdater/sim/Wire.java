package io.github.bottlerocket.ecsupdater.sim;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The wire protocols of the services the endpoint serves, as the AWS SDK for Java v2 (2.57) speaks
 * them: AWS JSON 1.1 (ECS, SSM, EventBridge) and 1.0 (DynamoDB) with {@code X-Amz-Target}, Smithy
 * RPC v2 CBOR (CloudWatch: {@code POST /service/<service>/operation/<operation>}) and the AWS query
 * protocol with XML replies (Auto Scaling). Handlers read and write one tree shape for all of them;
 * a timestamp in a reply is {@link #time(Instant)}, written as each protocol wants it (epoch
 * seconds in JSON, CBOR tag 1, ISO 8601 in XML).
 */
final class Wire {
  static final ObjectMapper JSON = new ObjectMapper().registerModule(instants(false));
  private static final CBORMapper CBOR =
      (CBORMapper) new CBORMapper().registerModule(instants(true));
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** How a service is spoken to. */
  enum Protocol {
    JSON_1_0("application/x-amz-json-1.0"),
    JSON_1_1("application/x-amz-json-1.1"),
    RPC_V2_CBOR("application/cbor"),
    QUERY("text/xml");

    final String contentType;

    Protocol(String contentType) {
      this.contentType = contentType;
    }
  }

  /**
   * A service the endpoint serves.
   *
   * @param id the service's name in IAM actions and in the endpoint's call counts ({@code ecs})
   * @param target the {@code X-Amz-Target} prefix, the Smithy service name, or the query API
   *     version
   * @param namespace the XML namespace (query) or error type prefix (JSON 1.0, CBOR)
   */
  enum Service {
    ECS("ecs", Protocol.JSON_1_1, EcsApi.PREFIX, "", "ServerException", "ThrottlingException"),
    SSM("ssm", Protocol.JSON_1_1, SsmApi.PREFIX, "", "InternalServerError", "ThrottlingException"),
    EVENTS(
        "events", Protocol.JSON_1_1, "AWSEvents", "", "InternalException", "ThrottlingException"),
    DYNAMODB(
        "dynamodb",
        Protocol.JSON_1_0,
        "DynamoDB_20120810",
        "com.amazonaws.dynamodb.v20120810#",
        "InternalServerError",
        "ThrottlingException"),
    CLOUDWATCH(
        "cloudwatch",
        Protocol.RPC_V2_CBOR,
        "GraniteServiceVersion20100801",
        "com.amazonaws.cloudwatch#",
        "InternalServiceError",
        "Throttling"),
    AUTOSCALING(
        "autoscaling",
        Protocol.QUERY,
        "2011-01-01",
        "http://autoscaling.amazonaws.com/doc/2011-01-01/",
        "InternalFailure",
        "Throttling");

    final String id;
    final Protocol protocol;
    final String target;
    final String namespace;
    final String serverErrorCode;
    final String throttlingCode;

    Service(
        String id,
        Protocol protocol,
        String target,
        String namespace,
        String serverErrorCode,
        String throttlingCode) {
      this.id = id;
      this.protocol = protocol;
      this.target = target;
      this.namespace = namespace;
      this.serverErrorCode = serverErrorCode;
      this.throttlingCode = throttlingCode;
    }
  }

  /**
   * One request as the endpoint read it.
   *
   * @param faultKey what the fault dice key on: the same request gives the same draw
   */
  record Call(Service service, String operation, JsonNode request, String faultKey) {
    String name() {
      return service.id + ":" + operation;
    }
  }

  /** A reply: its HTTP status, body and extra headers. */
  record Reply(int status, byte[] body, Map<String, String> headers) {}

  private Wire() {}

  /** A timestamp in a reply. */
  static JsonNode time(Instant t) {
    return new POJONode(t);
  }

  /**
   * Reads a request.
   *
   * @return the call, or null when no served service's protocol matches it
   */
  static Call read(String method, String path, String target, String contentType, byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    if (!"POST".equals(method)) {
      return null;
    }
    if (target != null && target.indexOf('.') > 0) {
      String prefix = target.substring(0, target.indexOf('.'));
      for (Service s : Service.values()) {
        if (s.protocol != Protocol.RPC_V2_CBOR
            && s.protocol != Protocol.QUERY
            && s.target.equals(prefix)) {
          return new Call(
              s, target.substring(target.indexOf('.') + 1), json(body), target + " " + text);
        }
      }
      return null;
    }
    String cborPrefix = "/service/" + Service.CLOUDWATCH.target + "/operation/";
    if (path.startsWith(cborPrefix)) {
      JsonNode request = cbor(body);
      String operation = path.substring(cborPrefix.length());
      return new Call(
          Service.CLOUDWATCH, operation, request, Service.CLOUDWATCH.target + "." + operation);
    }
    if (contentType != null && contentType.startsWith("application/x-www-form-urlencoded")) {
      ObjectNode request = query(text);
      if (Service.AUTOSCALING.target.equals(request.path("Version").asText())) {
        String operation = request.path("Action").asText();
        request.remove("Action");
        request.remove("Version");
        return new Call(Service.AUTOSCALING, operation, request, "AutoScaling." + text);
      }
    }
    return null;
  }

  /** Encodes a successful reply. */
  static Reply ok(Call call, JsonNode reply, String requestId) {
    try {
      return switch (call.service().protocol) {
        case JSON_1_0, JSON_1_1 -> new Reply(200, JSON.writeValueAsBytes(reply), Map.of());
        case RPC_V2_CBOR ->
            new Reply(200, CBOR.writeValueAsBytes(reply), Map.of("smithy-protocol", "rpc-v2-cbor"));
        case QUERY -> {
          StringBuilder b = new StringBuilder();
          String op = call.operation();
          b.append("<").append(op).append("Response xmlns=\"").append(call.service().namespace);
          b.append("\"><").append(op).append("Result>");
          xml(b, reply);
          b.append("</").append(op).append("Result><ResponseMetadata><RequestId>");
          b.append(requestId).append("</RequestId></ResponseMetadata></").append(op);
          b.append("Response>");
          yield new Reply(200, b.toString().getBytes(StandardCharsets.UTF_8), Map.of());
        }
      };
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Encodes an error reply as {@code service} gives it. */
  static Reply error(Service service, AwsError e, String requestId) {
    try {
      String message = e.getMessage() == null ? "" : e.getMessage();
      return switch (service.protocol) {
        case JSON_1_0, JSON_1_1 -> {
          ObjectNode body = JSON.createObjectNode().put("__type", service.namespace + e.code);
          if (e.getMessage() != null) {
            body.put("message", message);
          }
          body.setAll(e.extra);
          yield new Reply(
              e.httpStatus, JSON.writeValueAsBytes(body), Map.of("x-amzn-ErrorType", e.code));
        }
        case RPC_V2_CBOR -> {
          ObjectNode body =
              JSON.createObjectNode()
                  .put("__type", service.namespace + e.code)
                  .put("message", message);
          body.setAll(e.extra);
          String fault = e.httpStatus >= 500 ? "Receiver" : "Sender";
          yield new Reply(
              e.httpStatus,
              CBOR.writeValueAsBytes(body),
              Map.of("smithy-protocol", "rpc-v2-cbor", "x-amzn-query-error", e.code + ";" + fault));
        }
        case QUERY -> {
          StringBuilder b = new StringBuilder("<ErrorResponse xmlns=\"");
          b.append(service.namespace).append("\"><Error><Type>");
          b.append(e.httpStatus >= 500 ? "Receiver" : "Sender").append("</Type><Code>");
          b.append(escape(e.code)).append("</Code><Message>").append(escape(message));
          b.append("</Message></Error><RequestId>").append(requestId);
          b.append("</RequestId></ErrorResponse>");
          yield new Reply(e.httpStatus, b.toString().getBytes(StandardCharsets.UTF_8), Map.of());
        }
      };
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
  }

  // ------------------------------------------------------------------ reading

  private static JsonNode json(byte[] body) {
    if (body.length == 0) {
      return JSON.createObjectNode();
    }
    try {
      JsonNode n = JSON.readTree(body);
      return n == null ? JSON.createObjectNode() : n;
    } catch (IOException e) {
      throw new AwsError(400, "SerializationException", "The request body is not valid JSON.");
    }
  }

  private static JsonNode cbor(byte[] body) {
    if (body.length == 0) {
      return JSON.createObjectNode();
    }
    try {
      JsonNode n = CBOR.readTree(body);
      return n == null ? JSON.createObjectNode() : n;
    } catch (IOException e) {
      throw new AwsError(400, "SerializationException", "The request body is not valid CBOR.");
    }
  }

  /**
   * A query-protocol body as a tree: {@code A.member.2.B=x} becomes {@code {"A": [_, {"B": "x"}]}}.
   * Values stay strings; handlers read numbers and booleans from them.
   */
  static ObjectNode query(String body) {
    ObjectNode root = NODES.objectNode();
    Map<String, String> params = new TreeMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.put(key, value);
    }
    params.forEach((key, value) -> put(root, key.split("\\."), 0, value));
    return root;
  }

  private static void put(ObjectNode node, String[] parts, int i, String value) {
    String name = parts[i];
    if (i + 1 == parts.length) {
      node.put(name, value);
      return;
    }
    if (parts[i + 1].equals("member") && i + 2 < parts.length) {
      ArrayNode list = node.has(name) ? (ArrayNode) node.get(name) : node.putArray(name);
      int index = Integer.parseInt(parts[i + 2]) - 1;
      while (list.size() <= index) {
        list.addNull();
      }
      if (i + 3 == parts.length) {
        list.set(index, NODES.textNode(value));
      } else {
        if (!list.get(index).isObject()) {
          list.set(index, NODES.objectNode());
        }
        put((ObjectNode) list.get(index), parts, i + 3, value);
      }
      return;
    }
    ObjectNode child = node.has(name) ? (ObjectNode) node.get(name) : node.putObject(name);
    put(child, parts, i + 1, value);
  }

  // ------------------------------------------------------------------ writing

  private static void xml(StringBuilder b, JsonNode n) {
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      b.append('<').append(e.getKey()).append('>');
      value(b, e.getValue());
      b.append("</").append(e.getKey()).append('>');
    }
  }

  private static void value(StringBuilder b, JsonNode v) {
    if (v.isObject()) {
      xml(b, v);
    } else if (v.isArray()) {
      for (JsonNode m : v) {
        b.append("<member>");
        value(b, m);
        b.append("</member>");
      }
    } else if (v instanceof POJONode p && p.getPojo() instanceof Instant t) {
      b.append(t);
    } else {
      b.append(escape(v.asText()));
    }
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  /** Instants as epoch seconds; in CBOR with tag 1, as Smithy RPC v2 CBOR wants timestamps. */
  private static SimpleModule instants(boolean cbor) {
    SimpleModule m = new SimpleModule();
    m.addSerializer(
        Instant.class,
        new JsonSerializer<Instant>() {
          @Override
          public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider)
              throws IOException {
            if (cbor && gen instanceof CBORGenerator c) {
              c.writeTag(1);
            }
            gen.writeNumber(value.toEpochMilli() / 1000.0);
          }
        });
    return m;
  }
}
