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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local AWS endpoint for the services the updater calls (ECS, SSM, EventBridge, CloudWatch, Auto
 * Scaling, DynamoDB), each in the protocol the AWS SDK for Java v2 speaks to it (see {@link Wire}),
 * so that the real SDK clients reach the {@link SimulatedCluster} through an endpoint override.
 *
 * <p>An operation the simulation does not implement gets {@code UnknownOperationException} (or the
 * query protocol's {@code InvalidAction}), as from AWS for an unsupported action. Throttling (which
 * the SDK backs off from), server errors and latency are injected per request as {@link Faults}
 * say, as are windows in which a whole service throttles and per-operation rate limits; a cut-off
 * makes every request after the k-th fail, as if the caller lost its credentials mid-pass.
 */
public final class AwsEndpoint implements AutoCloseable {
  private static final ObjectMapper MAPPER = Wire.JSON;

  private final SimulatedCluster cluster;
  private final EcsApi ecs;
  private final SsmApi ssm;
  private final CloudWatchApi cloudWatch;
  private final AutoScalingApi autoScaling;
  private final DynamoDbApi dynamoDb;
  private final RateLimiter rateLimiter;
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
    this.cloudWatch = new CloudWatchApi(cluster);
    this.autoScaling = new AutoScalingApi(cluster);
    this.dynamoDb = new DynamoDbApi(cluster);
    this.rateLimiter = new RateLimiter(cluster.faults.rateLimits(), cluster.clock().instant());
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
        "UnknownOperationException",
        "The operation " + prefix + "." + operation + " is not supported by this endpoint.");
  }

  private void exchange(HttpExchange x) throws IOException {
    try (x) {
      byte[] body = x.getRequestBody().readAllBytes();
      long n = requests.incrementAndGet();
      String requestId = "sim-" + n;
      Wire.Call call;
      try {
        call =
            Wire.read(
                x.getRequestMethod(),
                x.getRequestURI().getPath(),
                x.getRequestHeaders().getFirst("X-Amz-Target"),
                x.getRequestHeaders().getFirst("Content-Type"),
                body);
      } catch (AwsError e) {
        count("(unreadable)", " " + e.code);
        send(x, Wire.error(Wire.Service.ECS, e, requestId), Wire.Protocol.JSON_1_1, requestId);
        return;
      }
      if (call == null) {
        String target = x.getRequestHeaders().getFirst("X-Amz-Target");
        count(target == null ? "(none)" : target, " UnknownOperationException");
        AwsError e = unknownOperation("", target == null ? x.getRequestURI().getPath() : target);
        send(x, Wire.error(Wire.Service.ECS, e, requestId), Wire.Protocol.JSON_1_1, requestId);
        return;
      }
      Wire.Protocol protocol = call.service().protocol;
      try {
        JsonNode reply = answer(call, n);
        count(call.name(), "");
        send(x, Wire.ok(call, reply, requestId), protocol, requestId);
      } catch (AwsError e) {
        count(call.name(), " " + e.code);
        send(x, Wire.error(call.service(), e, requestId), protocol, requestId);
      } catch (RuntimeException e) {
        synchronized (this) {
          internalErrors.add(call.name() + ": " + e);
        }
        AwsError failure = new AwsError(500, "InternalFailure", "simulation failure: " + e);
        send(x, Wire.error(call.service(), failure, requestId), protocol, requestId);
      }
    }
  }

  private JsonNode answer(Wire.Call call, long n) {
    Wire.Service service = call.service();
    if (n > cutOffAfter) {
      throw service.protocol == Wire.Protocol.QUERY || service.protocol == Wire.Protocol.RPC_V2_CBOR
          ? new AwsError(
              403, "InvalidClientTokenId", "The security token included in the request is invalid.")
          : new AwsError(
              400,
              "UnrecognizedClientException",
              "The security token included in the request is invalid.");
    }
    JsonNode request = call.request();
    if (request == null || !request.isObject()) {
      throw new AwsError(400, "SerializationException", "The request body is not an object.");
    }
    Faults f = cluster.faults;
    String key = call.faultKey();
    if (f.maxLatency().isPositive()) {
      long nanos = (long) (cluster.dice.next("latency " + key) * f.maxLatency().toNanos());
      cluster.clock().advance(Duration.ofNanos(nanos));
    }
    if (cluster.dice.chance("throttle " + key, f.throttleFraction())) {
      throw throttled(service);
    }
    Instant now = cluster.clock().instant();
    for (Faults.ThrottleWindow w : f.throttleWindows()) {
      if (w.covers(service.id, now)) {
        throw throttled(service);
      }
    }
    if (!rateLimiter.take(call.name(), now)) {
      throw throttled(service);
    }
    if (cluster.dice.chance("5xx " + key, f.serverErrorFraction())) {
      throw new AwsError(500, service.serverErrorCode, "An internal error occurred.");
    }
    return switch (service) {
      case ECS -> ecs.handle(call.operation(), request);
      case SSM -> ssm.handle(call.operation(), request);
      case EVENTS -> events(call.operation(), request);
      case CLOUDWATCH -> cloudWatch.handle(call.operation(), request);
      case AUTOSCALING -> autoScaling.handle(call.operation(), request);
      case DYNAMODB -> dynamoDb.handle(call.operation(), request);
    };
  }

  private static AwsError throttled(Wire.Service service) {
    return new AwsError(400, service.throttlingCode, "Rate exceeded");
  }

  /** EventBridge PutEvents: the entries are kept for scenarios to read. */
  private JsonNode events(String operation, JsonNode r) {
    if (!operation.equals("PutEvents")) {
      throw unknownOperation(Wire.Service.EVENTS.target, operation);
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
    calls.merge(operation + outcome, 1L, Long::sum);
  }

  private void send(HttpExchange x, Wire.Reply reply, Wire.Protocol protocol, String requestId)
      throws IOException {
    x.getResponseHeaders().set("Content-Type", protocol.contentType);
    x.getResponseHeaders().set("x-amzn-RequestId", requestId);
    reply.headers().forEach((k, v) -> x.getResponseHeaders().set(k, v));
    x.sendResponseHeaders(reply.status(), reply.body().length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(reply.body());
    }
  }
}
