package io.github.bottlerocket.ecsupdater.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A {@code moto_server} child process on a free loopback port: started, waited for, reset between
 * scenarios and stopped with its process tree.
 */
final class MotoServer implements AutoCloseable {
  /** The executable's name, as {@code pip install "moto[server]"} installs it. */
  static final String EXECUTABLE = "moto_server";

  /** moto imports every service model at start; a cold start on a slow machine takes seconds. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  /** How often the starting server is asked whether it answers yet. */
  private static final Duration START_POLL = Duration.ofMillis(100);

  /** moto_server finishes its requests on SIGTERM; after this it is killed. */
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  private final Process process;
  private final URI endpoint;
  private final Path log;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private MotoServer(Process process, URI endpoint, Path log) {
    this.process = process;
    this.endpoint = endpoint;
    this.log = log;
  }

  /** {@code moto_server} in one of the {@code PATH} directories, if there is one. */
  static Optional<Path> findOnPath(String path) {
    if (path == null || path.isBlank()) {
      return Optional.empty();
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (dir.isBlank()) {
        continue;
      }
      Path candidate = Path.of(dir, EXECUTABLE);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * Starts moto_server for a test class that the suite gate lets run, logging to {@code
   * target/moto_server-<name>.log}; a gate that fails the suite fails the class.
   */
  static MotoServer startForTests(String name) throws IOException {
    return switch (new MotoSuiteTest.WhenMotoServerIsInstalled().gate()) {
      case SuiteGate.Run run ->
          start(
              findOnPath(System.getenv("PATH")).orElseThrow(),
              Path.of("target", "moto_server-" + name + ".log"));
      case SuiteGate.Fail failure -> throw new AssertionError(failure.message());
      case SuiteGate.Skip skip ->
          throw new IllegalStateException("the class should have been skipped: " + skip.message());
    };
  }

  /**
   * Starts {@code executable} on a free loopback port and returns once it answers.
   *
   * @param log where the server's output goes, for a look after a failure
   * @throws IllegalStateException if it exits or does not answer within {@link #START_TIMEOUT}
   */
  static MotoServer start(Path executable, Path log) throws IOException {
    int port = freePort();
    Files.createDirectories(log.getParent());
    Process process =
        new ProcessBuilder(executable.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    MotoServer server = new MotoServer(process, URI.create("http://127.0.0.1:" + port), log);
    try {
      server.awaitReady();
    } catch (RuntimeException | InterruptedException e) {
      server.close();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException(e.getMessage() + "\n" + server.logTail(), e);
    }
    return server;
  }

  URI endpoint() {
    return endpoint;
  }

  /** Forgets every resource moto holds, in every service and region. */
  void reset() {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(endpoint.resolve("/moto-api/reset"))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(
            "moto_server refused the reset: HTTP " + r.statusCode() + " " + r.body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("moto_server did not answer the reset at " + endpoint, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while resetting moto_server", e);
    }
  }

  @Override
  public void close() {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  private void awaitReady() throws InterruptedException {
    Instant giveUp = Instant.now().plus(START_TIMEOUT);
    HttpRequest probe =
        HttpRequest.newBuilder(endpoint.resolve("/moto-api/data.json"))
            .timeout(Duration.ofSeconds(2))
            .GET()
            .build();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "moto_server exited with code "
                + process.exitValue()
                + " before it answered on "
                + endpoint);
      }
      try {
        if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // Not listening yet.
      }
      if (Instant.now().isAfter(giveUp)) {
        throw new IllegalStateException(
            "moto_server did not answer on "
                + endpoint
                + " within "
                + START_TIMEOUT.toSeconds()
                + "s");
      }
      Thread.sleep(START_POLL.toMillis());
    }
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return "last lines of "
          + log
          + ":\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log at " + log + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
