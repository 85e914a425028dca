package io.github.bottlerocket.ecsupdater.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local AWS endpoint for ECS, SSM and EventBridge that speaks the AWS JSON 1.1 protocol (POST,
 * {@code X-Amz-Target: <prefix>.<Operation>}, {@code application/x-amz-json-1.1}), so that the real
 * SDK clients reach the {@link SimulatedCluster} through an endpoint override.
 *
 * <p>An operation the simulation does not implement gets {@code UnknownOperationException}, as from
 * AWS for an unsupported action. Throttling ({@code ThrottlingException}, which the SDK backs off
 * from), server errors and latency are injected per request as {@link Faults} say; a cut-off makes
 * every request after the k-th fail, as if the caller lost its credentials mid-pass.
 */
public final class AwsEndpoint implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String EVENTS_PREFIX = "AWSEvents";
  private static final String CONTENT_TYPE = "application/x-amz-json-1.1";

  private final SimulatedCluster cluster;
  private final EcsApi ecs;
  private final SsmApi ssm;
  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicLong requests = new AtomicLong();
  private final Map<String, Long> calls = new TreeMap<>();
  private final List<String> internalErrors = new ArrayList<>();
  private volatile long cutOffAfter = Long.MAX_VALUE;

  private AwsEndpoint(SimulatedCluster cluster) throws IOException {
    this.cluster = cluster;
    this.ecs = new EcsApi(cluster);
    this.ssm = new SsmApi(cluster);
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    this.executor =
        Executors.newFixedThreadPool(
            8,
            r -> {
              Thread t = new Thread(r, "simulated-aws");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::exchange);
  }

  /** Starts an endpoint for {@code cluster} on a free loopback port. */
  public static AwsEndpoint start(SimulatedCluster cluster) {
    try {
      AwsEndpoint e = new AwsEndpoint(cluster);
      e.server.start();
      return e;
    } catch (IOException e) {
      throw new IllegalStateException("could not start the simulated AWS endpoint", e);
    }
  }

  public URI uri() {
    return URI.create(
        "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
  }

  /** From the request after the {@code k}-th on, every request fails. */
  public void cutOffAfter(long k) {
    cutOffAfter = requests.get() + k;
  }

  /** Requests are served again. */
  public void restore() {
    cutOffAfter = Long.MAX_VALUE;
  }

  /** How many requests arrived so far. */
  public long requestCount() {
    return requests.get();
  }

  /** Requests answered so far by operation ({@code ecs:ListTasks}), faults included. */
  public synchronized Map<String, Long> calls() {
    return Map.copyOf(calls);
  }

  /** Failures of the simulation itself (a bug here, not in the updater). */
  public synchronized List<String> internalErrors() {
    return List.copyOf(internalErrors);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  static AwsError unknownOperation(String prefix, String operation) {
    return new AwsError(
        400,
        "com.amazon.coral.service#UnknownOperationException",
        "The operation " + prefix + "." + operation + " is not supported by this endpoint.");
  }

  private void exchange(HttpExchange x) throws IOException {
    try (x) {
      byte[] body = x.getRequestBody().readAllBytes();
      String target = x.getRequestHeaders().getFirst("X-Amz-Target");
      long n = requests.incrementAndGet();
      String operation = target == null ? "(none)" : target;
      try {
        JsonNode reply = answer(x.getRequestMethod(), target, body, n);
        count(operation, "");
        send(x, 200, MAPPER.writeValueAsBytes(reply), null);
      } catch (AwsError e) {
        count(operation, " " + e.code);
        ObjectNode err = MAPPER.createObjectNode().put("__type", e.code);
        if (e.getMessage() != null) {
          err.put("message", e.getMessage());
        }
        send(x, e.httpStatus, MAPPER.writeValueAsBytes(err), e.code);
      } catch (RuntimeException e) {
        synchronized (this) {
          internalErrors.add(operation + ": " + e);
        }
        ObjectNode err =
            MAPPER
                .createObjectNode()
                .put("__type", "InternalFailure")
                .put("message", "simulation failure: " + e);
        send(x, 500, MAPPER.writeValueAsBytes(err), "InternalFailure");
      }
    }
  }

  private JsonNode answer(String method, String target, byte[] body, long n) throws IOException {
    if (n > cutOffAfter) {
      throw new AwsError(
          400,
          "UnrecognizedClientException",
          "The security token included in the request is invalid.");
    }
    if (!"POST".equals(method) || target == null || target.indexOf('.') < 0) {
      throw unknownOperation("", String.valueOf(target));
    }
    String prefix = target.substring(0, target.indexOf('.'));
    String operation = target.substring(target.indexOf('.') + 1);
    JsonNode request = body.length == 0 ? MAPPER.createObjectNode() : MAPPER.readTree(body);
    if (request == null || !request.isObject()) {
      throw new AwsError(400, "SerializationException", "The request body is not a JSON object.");
    }
    Faults f = cluster.faults;
    String key = target + " " + new String(body, StandardCharsets.UTF_8);
    if (f.maxLatency().isPositive()) {
      long nanos = (long) (cluster.dice.next("latency " + key) * f.maxLatency().toNanos());
      cluster.clock().advance(Duration.ofNanos(nanos));
    }
    if (cluster.dice.chance("throttle " + key, f.throttleFraction())) {
      throw new AwsError(400, "ThrottlingException", "Rate exceeded");
    }
    if (cluster.dice.chance("5xx " + key, f.serverErrorFraction())) {
      throw prefix.equals(SsmApi.PREFIX)
          ? new AwsError(500, "InternalServerError", "An internal error occurred.")
          : new AwsError(500, "ServerException", "Service encountered an internal error.");
    }
    return switch (prefix) {
      case EcsApi.PREFIX -> ecs.handle(operation, request);
      case SsmApi.PREFIX -> ssm.handle(operation, request);
      case EVENTS_PREFIX -> events(operation, request);
      default -> throw unknownOperation(prefix, operation);
    };
  }

  /** EventBridge PutEvents: the entries are kept for scenarios to read. */
  private JsonNode events(String operation, JsonNode r) {
    if (!operation.equals("PutEvents")) {
      throw unknownOperation(EVENTS_PREFIX, operation);
    }
    JsonNode entries = r.path("Entries");
    if (!entries.isArray() || entries.isEmpty() || entries.size() > 10) {
      throw AwsError.validation(
          "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and 10");
    }
    ObjectNode out = MAPPER.createObjectNode();
    ArrayNode results = out.putArray("Entries");
    int failed = 0;
    synchronized (cluster) {
      for (JsonNode e : entries) {
        if (e.path("Source").asText("").isEmpty()
            || e.path("DetailType").asText("").isEmpty()
            || !isJsonObject(e.path("Detail").asText(""))) {
          failed++;
          results
              .addObject()
              .put("ErrorCode", "InvalidArgument")
              .put("ErrorMessage", "Source, DetailType and a JSON object Detail are required.");
          continue;
        }
        cluster.publishedEvents.add(e.toString());
        results
            .addObject()
            .put(
                "EventId",
                String.format(
                    "%08x-0000-4000-8000-%012x",
                    cluster.faults.seed() & 0xffffffffL, cluster.publishedEvents.size()));
      }
    }
    out.put("FailedEntryCount", failed);
    return out;
  }

  private static boolean isJsonObject(String text) {
    try {
      return MAPPER.readTree(text).isObject();
    } catch (IOException e) {
      return false;
    }
  }

  private synchronized void count(String operation, String outcome) {
    String name =
        operation
            .replace(EcsApi.PREFIX + ".", "ecs:")
            .replace(SsmApi.PREFIX + ".", "ssm:")
            .replace(EVENTS_PREFIX + ".", "events:");
    calls.merge(name + outcome, 1L, Long::sum);
  }

  private void send(HttpExchange x, int status, byte[] body, String errorType) throws IOException {
    x.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
    x.getResponseHeaders().set("x-amzn-RequestId", "sim-" + requests.get());
    if (errorType != null) {
      x.getResponseHeaders().set("x-amzn-ErrorType", errorType);
    }
    x.sendResponseHeaders(status, body.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(body);
    }
  }
}
