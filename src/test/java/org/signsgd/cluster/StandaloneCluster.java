package org.signsgd.cluster;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

/**
 * A real Spark standalone cluster on 127.0.0.1, started from the Maven test classpath: a master
 * and {@code workers} workers as child JVMs, with {@code spark.authenticate} and a fresh secret. SPARK_HOME is a
 * directory whose {@code jars/} is empty and SPARK_DIST_CLASSPATH is this JVM's classpath, so the workers'
 * executors run this project's classes without a Spark distribution. Its workers may advertise fake GPUs: each
 * worker's discovery script prints addresses of its own, which the master hands to the executors of applications
 * that ask {@code spark.executor.resource.gpu.amount} (as Spark's own standalone resource tests do).
 */
final class StandaloneCluster implements AutoCloseable {
  /** The module flags Spark needs on Java 17: the launchers' list (the tests run in the repository root). */
  static final String MODULE_FLAGS = readFlags();

  /**
   * The flags of the JVMs the tests start (drivers, daemons, executors): the module flags and C1 only. These JVMs
   * live for seconds to a minute: with C2 a toy run's driver spent 61 of its 100 CPU seconds compiling
   * (-XX:+CITime), on 2 cores shared with the test JVM and the other daemons. The bench's executors, which do
   * the server's work for minutes, keep C2 ({@link #applicationConf(boolean)}).
   */
  static final String JAVA_FLAGS = MODULE_FLAGS + " -XX:TieredStopAtLevel=1";

  private static String readFlags() {
    try {
      return String.join(" ", Files.readAllLines(Path.of("submit", "java17-flags"))).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private final Path home;
  private final Path logConfig;
  private final String secret = UUID.randomUUID().toString();
  /** The master's URL as it logged it: the port it bound (a port freed for it may have been taken meanwhile). */
  private final String url;
  private final Daemon master;
  private final List<Daemon> workers = new ArrayList<>();

  private final String executorMemory;

  /** Starts the master and the workers, each with {@code cores} cores, and waits until all registered. */
  StandaloneCluster(Path dir, int workerCount, int cores) throws IOException, InterruptedException {
    this(dir, workerCount, cores, "2g", "1g");
  }

  /** The same with each worker offering {@code workerMemory} and each executor taking {@code executorMemory}. */
  StandaloneCluster(Path dir, int workerCount, int cores, String workerMemory, String executorMemory)
      throws IOException, InterruptedException {
    this(dir, workerCount, cores, workerMemory, executorMemory, 0);
  }

  /**
   * The same with each worker advertising {@code gpus} fake GPUs ({@code spark.worker.resource.gpu.amount} and a
   * discovery script): worker w's addresses are w·gpus … w·gpus + gpus − 1, so that no two executors share one.
   */
  StandaloneCluster(Path dir, int workerCount, int cores, String workerMemory, String executorMemory, int gpus)
      throws IOException, InterruptedException {
    this.executorMemory = executorMemory;
    home = Files.createDirectories(dir.resolve("spark-home"));
    Files.createDirectories(home.resolve("jars"));
    // the daemons log at INFO (the project's own log4j2.properties says WARN): their lines tell when they are up
    logConfig = Files.writeString(dir.resolve("daemon-log4j2.properties"), String.join("\n",
        "status = error", "appender.console.type = Console", "appender.console.name = console",
        "appender.console.target = SYSTEM_ERR", "appender.console.layout.type = PatternLayout",
        "appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n", "rootLogger.level = info",
        "rootLogger.appenderRef.stderr.ref = console", "logger.jetty.name = org.sparkproject.jetty",
        "logger.jetty.level = warn", ""));
    master = new Daemon("master", List.of(), List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
        "--port", Integer.toString(freePort()), "--webui-port", Integer.toString(freePort())));
    // a cluster that did not come up stops the daemons it started: they would outlive the test JVM's use of them
    try {
      master.await("Starting Spark master at", 60);
      java.util.regex.Matcher at = java.util.regex.Pattern.compile("Starting Spark master at (spark://\\S+)")
          .matcher(master.out);
      if (!at.find()) {
        throw new IllegalStateException("the master's log names no URL:\n" + master.log());
      }
      url = at.group(1);
      for (int w = 0; w < workerCount; w++) {
        Path work = Files.createDirectories(dir.resolve("worker-" + w));
        workers.add(new Daemon("worker-" + w, gpus == 0 ? List.of() : gpuSettings(dir, w, gpus),
            List.of("org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores",
            Integer.toString(cores), "--memory", workerMemory, "--work-dir", work.toString(), "--webui-port",
            Integer.toString(freePort()), url)));
      }
      for (Daemon w : workers) {
        w.await("Successfully registered with master", 60);
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Worker w's fake GPUs: its amount and a discovery script printing its addresses. */
  private static List<String> gpuSettings(Path dir, int w, int gpus) throws IOException {
    List<String> addresses = new ArrayList<>();
    for (int g = 0; g < gpus; g++) {
      addresses.add("\"" + (w * gpus + g) + "\"");
    }
    Path script = dir.resolve("gpus-worker-" + w + ".sh");
    Files.writeString(script, "#!/usr/bin/env bash\necho '{\"name\": \"gpu\", \"addresses\": ["
        + String.join(", ", addresses) + "]}'\n");
    if (!script.toFile().setExecutable(true)) {
      throw new IOException("cannot make " + script + " executable");
    }
    return List.of("-Dspark.worker.resource.gpu.amount=" + gpus,
        "-Dspark.worker.resource.gpu.discoveryScript=" + script);
  }

  String url() {
    return url;
  }

  /** What a test's application needs to join: the secret and the executors' JVM flags (C1 only) and size. */
  Map<String, String> applicationConf() {
    return applicationConf(true);
  }

  /** What an application needs to join; {@code shortLived}: its executors compile with C1 only. */
  Map<String, String> applicationConf(boolean shortLived) {
    return Map.of("spark.authenticate", "true", "spark.authenticate.secret", secret,
        "spark.executor.extraJavaOptions", shortLived ? JAVA_FLAGS : MODULE_FLAGS,
        "spark.executor.memory", executorMemory, "spark.executorEnv.OMP_NUM_THREADS", "1");
  }

  /** The executor JVMs the workers launched (children of the worker processes). */
  List<ProcessHandle> executors() {
    return workers.stream().flatMap(w -> w.process.descendants()).filter(ProcessHandle::isAlive)
        .collect(Collectors.toList());
  }

  String logs() {
    StringBuilder b = new StringBuilder(master.log());
    workers.forEach(w -> b.append(w.log()));
    return b.toString();
  }

  @Override
  public void close() {
    for (Daemon w : workers) {
      w.stop();
    }
    master.stop();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * This JVM's classpath, expanded from Surefire's manifest-only jar when it uses one, every entry absolute: the
   * executors run in the workers' directories, where a relative entry such as {@code target/classes} names nothing
   * (their tasks then fail to read this project's closures).
   */
  static String classpath() {
    String cp = System.getProperty("java.class.path");
    if (cp.contains(File.pathSeparator) || !cp.endsWith(".jar")) {
      return java.util.Arrays.stream(cp.split(File.pathSeparator)).filter(e -> !e.isEmpty())
          .map(e -> Path.of(e).toAbsolutePath().toString()).collect(Collectors.joining(File.pathSeparator));
    }
    try (JarFile jar = new JarFile(cp)) {
      String entries = jar.getManifest().getMainAttributes().getValue("Class-Path");
      if (entries == null) {
        return cp;
      }
      List<String> paths = new ArrayList<>();
      for (String e : entries.trim().split("\\s+")) {
        paths.add(Path.of(URI.create(e).isAbsolute() ? URI.create(e)
            : Path.of(cp).getParent().toUri().resolve(e)).toString());
      }
      return String.join(File.pathSeparator, paths);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One daemon JVM with its output collected. */
  private final class Daemon {
    private final String name;
    private final Process process;
    private final StringBuffer out = new StringBuffer();

    Daemon(String name, List<String> settings, List<String> mainAndArgs) throws IOException {
      this.name = name;
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx512m", "-cp", classpath(), "-Dspark.authenticate=true", "-Dspark.authenticate.secret=" + secret,
          "-Dlog4j2.configurationFile=" + logConfig.toUri()));
      cmd.addAll(settings);
      cmd.addAll(List.of(JAVA_FLAGS.split(" ")));
      cmd.addAll(mainAndArgs);
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      Map<String, String> env = pb.environment();
      env.put("SPARK_HOME", home.toString());
      env.put("SPARK_SCALA_VERSION", "2.12");
      env.put("SPARK_DIST_CLASSPATH", classpath());
      env.put("SPARK_LOCAL_IP", "127.0.0.1");
      env.put("OMP_NUM_THREADS", "1");
      process = pb.start();
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            out.append(line).append('\n');
          }
        } catch (IOException e) {
          // the process ended
        }
      }, "spark-" + name + "-log");
      reader.setDaemon(true);
      reader.start();
    }

    void await(String marker, int seconds) throws InterruptedException {
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      while (out.indexOf(marker) < 0) {
        if (!process.isAlive() || System.nanoTime() > end) {
          throw new IllegalStateException("spark " + name + " did not log '" + marker + "' within " + seconds
              + " s (alive: " + process.isAlive() + "); its output:\n" + out);
        }
        Thread.sleep(100);
      }
    }

    String log() {
      return "---- " + name + " ----\n" + out + "\n";
    }

    void stop() {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }
}
