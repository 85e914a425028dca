package io.github.bottlerocket.ecsupdater.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A pass-through HTTP endpoint in front of an emulator that records every AWS request the updater
 * makes, so a scenario can count calls and read batch sizes without hooks in the SDK clients. Only
 * the JSON protocols of ECS, SSM and EventBridge pass through it; requests are signed for this
 * endpoint's host, which the emulators do not check.
 */
final class RequestLog implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Headers that java.net.http sets itself and refuses to take from a caller. */
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "host",
          "connection",
          "content-length",
          "expect",
          "upgrade",
          "transfer-encoding",
          "keep-alive");

  /**
   * One request.
   *
   * @param operation the operation, e.g. {@code ecs:ListContainerInstances}
   * @param body the request's JSON body
   * @param status the emulator's HTTP status
   */
  record Call(String operation, JsonNode body, int status) {}

  private final URI upstream;
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<Call> calls = new ArrayList<>();

  RequestLog(URI upstream) throws IOException {
    this.upstream = upstream;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::forward);
    server.setExecutor(threads);
    server.start();
  }

  /** The endpoint to give the updater instead of the emulator's. */
  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Every call so far, in the order they arrived. */
  synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The calls of one operation, e.g. {@code ecs:DescribeContainerInstances}. */
  List<Call> calls(String operation) {
    return calls().stream().filter(c -> c.operation().equals(operation)).toList();
  }

  /** The operations called, in order. */
  List<String> operations() {
    return calls().stream().map(Call::operation).toList();
  }

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      HttpRequest.Builder request =
          HttpRequest.newBuilder(upstream.resolve(exchange.getRequestURI().toString()))
              .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
      for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
        if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
          h.getValue().forEach(v -> request.header(h.getKey(), v));
        }
      }
      HttpResponse<byte[]> response;
      try {
        response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while forwarding to " + upstream, e);
      }
      record(exchange.getRequestHeaders().getFirst("X-Amz-Target"), body, response.statusCode());
      response
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                  values.forEach(v -> exchange.getResponseHeaders().add(name, v));
                }
              });
      byte[] out = response.body();
      exchange.sendResponseHeaders(response.statusCode(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        try (OutputStream os = exchange.getResponseBody()) {
          os.write(out);
        }
      }
    }
  }

  private synchronized void record(String target, byte[] body, int status) {
    calls.add(new Call(operation(target), parse(body), status));
  }

  /**
   * {@code AmazonEC2ContainerServiceV20141113.ListTasks} becomes {@code ecs:ListTasks}, and so on.
   */
  private static String operation(String target) {
    if (target == null || !target.contains(".")) {
      return "unknown:" + target;
    }
    String service = target.substring(0, target.indexOf('.'));
    String action = target.substring(target.indexOf('.') + 1);
    String prefix =
        switch (service) {
          case "AmazonEC2ContainerServiceV20141113" -> "ecs";
          case "AmazonSSM" -> "ssm";
          case "AWSEvents" -> "events";
          default -> service;
        };
    return prefix + ":" + action;
  }

  private static JsonNode parse(byte[] body) {
    try {
      return body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
    http.close();
  }
}
