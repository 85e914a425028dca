package io.github.bottlerocket.ecsupdater.bench;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Fresh JVMs for what must not share the benchmark's JVM: cold starts and the heap cap. Prepares
 * the small pieces they run: the launcher classes, copied out of this module, and a minimal Lambda
 * handler compiled here and shaded the way the function jar is (the handler plus
 * aws-lambda-java-core, its one dependency, in one jar).
 */
final class ChildJvms {
  static final String MINIMAL_HANDLER = "benchmark.minimal.MinimalHandler";

  private static final String MINIMAL_SOURCE =
      """
      package benchmark.minimal;

      import com.amazonaws.services.lambda.runtime.Context;
      import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
      import java.io.IOException;
      import java.io.InputStream;
      import java.io.OutputStream;
      import java.nio.charset.StandardCharsets;

      /** The least a Lambda handler does: read the request, write a reply. */
      public final class MinimalHandler implements RequestStreamHandler {
        @Override
        public void handleRequest(InputStream in, OutputStream out, Context context)
            throws IOException {
          byte[] request = in.readAllBytes();
          out.write(("{\\"received\\":" + request.length + "}").getBytes(StandardCharsets.UTF_8));
        }
      }
      """;

  /** JVM options of Lambda's Java runtimes (C1 only, serial GC), with the function's memory. */
  static final List<String> LAMBDA_LIKE =
      List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx512m");

  final Path functionJar;
  final Path minimalJar;
  final Path launcherDir;
  final Path workDir;

  private ChildJvms(Path functionJar, Path minimalJar, Path launcherDir, Path workDir) {
    this.functionJar = functionJar;
    this.minimalJar = minimalJar;
    this.launcherDir = launcherDir;
    this.workDir = workDir;
  }

  /** Copies the launcher classes and builds the minimal handler's jar under {@code workDir}. */
  static ChildJvms prepare(Path functionJar, Path workDir) {
    try {
      Files.createDirectories(workDir);
      Path launcherDir = workDir.resolve("launcher");
      for (Class<?> c :
          List.of(
              HandlerLauncher.class, HandlerLauncher.LauncherContext.class, PlanningProbe.class)) {
        String resource = c.getName().replace('.', '/') + ".class";
        Path target = launcherDir.resolve(resource);
        Files.createDirectories(target.getParent());
        try (InputStream in = ChildJvms.class.getClassLoader().getResourceAsStream(resource)) {
          Files.write(target, in.readAllBytes());
        }
      }
      return new ChildJvms(functionJar, buildMinimalJar(workDir), launcherDir, workDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path buildMinimalJar(Path workDir) throws IOException {
    Path lambdaCore = codeSource(RequestStreamHandler.class);
    Path src = workDir.resolve("minimal-src/benchmark/minimal/MinimalHandler.java");
    Path classes = workDir.resolve("minimal-classes");
    Files.createDirectories(src.getParent());
    Files.createDirectories(classes);
    Files.writeString(src, MINIMAL_SOURCE);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new IllegalStateException("the benchmark needs a JDK (javac), not a JRE");
    }
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int rc =
        javac.run(
            null,
            diagnostics,
            diagnostics,
            "--release",
            "21",
            "-cp",
            lambdaCore.toString(),
            "-d",
            classes.toString(),
            src.toString());
    if (rc != 0) {
      throw new IllegalStateException("compiling the minimal handler failed: " + diagnostics);
    }
    Path jar = workDir.resolve("minimal-handler.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      Path cls = classes.resolve("benchmark/minimal/MinimalHandler.class");
      out.putNextEntry(new JarEntry("benchmark/minimal/MinimalHandler.class"));
      out.write(Files.readAllBytes(cls));
      out.closeEntry();
      try (JarFile core = new JarFile(lambdaCore.toFile())) {
        for (JarEntry e : java.util.Collections.list(core.entries())) {
          String name = e.getName();
          if (e.isDirectory()
              || name.startsWith("META-INF/maven/")
              || name.equals("META-INF/MANIFEST.MF")
              || name.endsWith("module-info.class")) {
            continue;
          }
          out.putNextEntry(new JarEntry(name));
          try (InputStream in = core.getInputStream(e)) {
            in.transferTo(out);
          }
          out.closeEntry();
        }
      }
    }
    return jar;
  }

  /** The jar or directory {@code c} was loaded from. */
  static Path codeSource(Class<?> c) {
    try {
      var source = c.getProtectionDomain().getCodeSource();
      if (source != null && source.getLocation() != null) {
        return Path.of(source.getLocation().toURI());
      }
      // Some class loaders (Maven's exec:java) give no code source; the resource URL says it.
      String url = c.getResource(c.getSimpleName() + ".class").toString();
      if (url.startsWith("jar:")) {
        return Path.of(new java.net.URI(url.substring(4, url.indexOf("!/"))));
      }
      throw new IllegalStateException("cannot tell where " + c.getName() + " comes from: " + url);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What a child JVM printed for the benchmark. */
  record Run(long millisToReply, long millisToExit, int exitCode, Map<String, String> marks) {
    long number(String key) {
      return (long) Double.parseDouble(marks.getOrDefault(key, "-1"));
    }

    double decimal(String key) {
      return Double.parseDouble(marks.getOrDefault(key, "-1"));
    }
  }

  /**
   * Runs {@code mainClass} on {@code jar} plus the launcher classes in a fresh JVM, timing from the
   * moment the process is started to its {@code reply} line.
   */
  Run run(
      Path jar,
      List<String> jvmOptions,
      Map<String, String> env,
      String mainClass,
      List<String> args,
      Duration timeout) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(jar + File.pathSeparator + launcherDir);
    cmd.add(mainClass);
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.equals("JAVA_TOOL_OPTIONS"));
    pb.environment().putAll(env);
    try {
      long t0 = System.nanoTime();
      Process p = pb.start();
      long reply = -1;
      Map<String, String> marks = new LinkedHashMap<>();
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (!line.startsWith(HandlerLauncher.MARK)) {
            continue;
          }
          String rest = line.substring(HandlerLauncher.MARK.length());
          int space = rest.indexOf(' ');
          String key = space < 0 ? rest : rest.substring(0, space);
          String value = space < 0 ? "" : rest.substring(space + 1);
          if (key.equals("reply") && reply < 0) {
            reply = (System.nanoTime() - t0) / 1_000_000;
          }
          marks.put(key, value);
        }
      }
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(mainClass + " did not finish within " + timeout);
      }
      long exit = (System.nanoTime() - t0) / 1_000_000;
      return new Run(reply, exit, p.exitValue(), marks);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Counts the classes a class-load log lists, and how many of them came from the jar. */
  static int[] countClasses(Path log) {
    try {
      int all = 0;
      int fromJar = 0;
      for (String line : Files.readAllLines(log)) {
        if (line.contains(" source: ")) {
          all++;
          if (line.contains("source: jar:") || line.contains("source: file:")) {
            fromJar++;
          }
        }
      }
      return new int[] {all, fromJar};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
