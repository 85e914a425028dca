package io.github.bottlerocket.ecsupdater.bench;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs in a fresh JVM as Lambda's runtime would: instantiates a handler class by name, calls {@code
 * handleRequest} once with a payload, and prints a line when the reply is written. It uses nothing
 * but the JDK and aws-lambda-java-core, which both function jars carry, so it loads the same
 * classes for either handler.
 *
 * <p>Arguments: the handler class, the payload, and optionally {@code --memory} to report the heap
 * after a full GC and the process's peak resident memory once the reply is out.
 */
public final class HandlerLauncher {
  /** Lines for the benchmark start with this; anything else is the handler's own output. */
  static final String MARK = "@@bench ";

  private HandlerLauncher() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    RequestStreamHandler handler =
        (RequestStreamHandler) Class.forName(args[0]).getDeclaredConstructor().newInstance();
    ByteArrayOutputStream reply = new ByteArrayOutputStream();
    long started = System.nanoTime();
    String error = "";
    try {
      handler.handleRequest(
          new ByteArrayInputStream(args[1].getBytes(StandardCharsets.UTF_8)),
          reply,
          new LauncherContext(System.currentTimeMillis() + 15 * 60_000L));
    } catch (RuntimeException e) {
      error = " error " + e.getClass().getSimpleName();
    }
    long handlerMillis = (System.nanoTime() - started) / 1_000_000;
    out.println(MARK + "reply " + reply.size() + " bytes" + error);
    out.flush();
    if (args.length > 2 && args[2].equals("--memory")) {
      System.gc();
      System.gc();
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      out.println(MARK + "handler-ms " + handlerMillis);
      out.println(MARK + "heap-after-gc " + heap);
      out.println(MARK + "vm-hwm-kb " + peakResidentKb());
      out.println(MARK + "reply-text " + reply.toString(StandardCharsets.UTF_8).replace('\n', ' '));
    }
    out.flush();
    System.exit(0);
  }

  /** The process's peak resident set (VmHWM) in kB, or -1 where /proc is missing. */
  static long peakResidentKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (java.io.IOException | NumberFormatException e) {
      // not Linux
    }
    return -1;
  }

  /** The little of Lambda's context a handler reads: the remaining time. */
  static final class LauncherContext implements Context {
    private final long deadlineMillis;

    LauncherContext(long deadlineMillis) {
      this.deadlineMillis = deadlineMillis;
    }

    @Override
    public int getRemainingTimeInMillis() {
      return (int) Math.max(0, deadlineMillis - System.currentTimeMillis());
    }

    @Override
    public String getAwsRequestId() {
      return "benchmark";
    }

    @Override
    public String getLogGroupName() {
      return "/aws/lambda/benchmark";
    }

    @Override
    public String getLogStreamName() {
      return "benchmark";
    }

    @Override
    public String getFunctionName() {
      return "benchmark";
    }

    @Override
    public String getFunctionVersion() {
      return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
      return "arn:aws:lambda:us-east-1:123456789012:function:benchmark";
    }

    @Override
    public CognitoIdentity getIdentity() {
      return null;
    }

    @Override
    public ClientContext getClientContext() {
      return null;
    }

    @Override
    public int getMemoryLimitInMB() {
      return 512;
    }

    @Override
    public LambdaLogger getLogger() {
      return null;
    }
  }
}
