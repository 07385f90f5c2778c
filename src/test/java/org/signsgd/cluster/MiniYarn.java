package org.signsgd.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.exceptions.YarnException;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * A real YARN on 127.0.0.1 in this JVM: Hadoop's MiniYARNCluster (one ResourceManager, one NodeManager that
 * launches every container as a child process), and a {@code HADOOP_CONF_DIR} whose {@code yarn-site.xml} points
 * a client at it. Its work directory (container logs included) is a new {@code target/test/data/<name>/yarn-N},
 * where MiniYARNCluster places it.
 */
final class MiniYarn implements AutoCloseable {
  private final MiniYARNCluster yarn;
  private final Path confDir;

  MiniYarn(String name, Path dir) throws IOException, InterruptedException, YarnException {
    YarnConfiguration conf = new YarnConfiguration();
    conf.set(YarnConfiguration.RM_HOSTNAME, "127.0.0.1");
    conf.set(YarnConfiguration.NM_ADDRESS, "127.0.0.1:0");
    // a container's virtual size is no measure of a Java 17 JVM (its reservations exceed 2.1 × the heap);
    // physical memory stays checked
    conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
    conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 256);
    // room for two applications, each an application master and two executors of 1.5 GB (MiniYARNCluster's node
    // offers 4 GB, and Spark waits up to 30 s for executors that do not fit); memory is committed as the JVMs use
    // it, not when YARN grants it
    conf.setInt(YarnConfiguration.YARN_MINICLUSTER_NM_PMEM_MB, 12288);
    // a full disk would mark the only node unhealthy and the applications would wait for ever
    conf.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "100.0");
    // hadoop-client-minicluster has no capacity-scheduler.xml: one queue, all of the node
    conf.set("yarn.scheduler.capacity.root.queues", "default");
    conf.setInt("yarn.scheduler.capacity.root.default.capacity", 100);
    conf.setInt("yarn.scheduler.capacity.root.default.maximum-capacity", 100);
    conf.setFloat("yarn.scheduler.capacity.root.default.user-limit-factor", 1);
    conf.set("yarn.scheduler.capacity.root.default.state", "RUNNING");
    conf.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
    conf.set("yarn.scheduler.capacity.root.default.acl_administer_queue", "*");
    conf.setInt("yarn.scheduler.capacity.node-locality-delay", -1);
    // application masters may take half of the node (the default 10 % admits one at a time)
    conf.setFloat("yarn.scheduler.capacity.maximum-am-resource-percent", 0.5f);
    yarn = new MiniYARNCluster(name, 1, 1, 1);
    yarn.init(conf);
    yarn.start();
    try {
      Configuration live = yarn.getConfig();
      // start() can return before the ResourceManager has written its bound port into the configuration
      long end = System.nanoTime() + 60_000_000_000L;
      while (live.get(YarnConfiguration.RM_ADDRESS).endsWith(":0")) {
        if (System.nanoTime() > end) {
          throw new IllegalStateException("the ResourceManager published no address within 60 s");
        }
        Thread.sleep(100);
      }
      if (!yarn.waitForNodeManagersToConnect(60_000)) {
        throw new IllegalStateException("the NodeManager did not register within 60 s");
      }
      confDir = Files.createDirectories(dir.resolve("hadoop-conf"));
      // what a client and the application master need: where the ResourceManager's services listen
      Configuration site = new Configuration(false);
      for (Map.Entry<String, String> e : live) {
        if (e.getKey().startsWith("yarn.resourcemanager.") && e.getKey().endsWith("address")) {
          site.set(e.getKey(), live.get(e.getKey()));
        }
      }
      site.set(YarnConfiguration.RM_HOSTNAME, "127.0.0.1");
      try (OutputStream out = Files.newOutputStream(confDir.resolve("yarn-site.xml"))) {
        site.writeXml(out);
      }
    } catch (IOException | InterruptedException | YarnException | RuntimeException e) {
      yarn.stop();
      throw e;
    }
  }

  /** The {@code HADOOP_CONF_DIR} of a client of this cluster. */
  Path confDir() {
    return confDir;
  }

  /** The log directories of an application's containers, one per container, under the NodeManager's logs. */
  List<Path> containers(String applicationId) {
    List<Path> containers = new ArrayList<>();
    try (Stream<Path> nodeLogs = Files.list(yarn.getTestWorkDir().toPath())) {
      for (Path logs : nodeLogs.filter(p -> p.getFileName().toString().contains("-logDir-")).toList()) {
        Path app = logs.resolve(applicationId);
        if (Files.isDirectory(app)) {
          try (Stream<Path> s = Files.list(app)) {
            s.filter(p -> p.getFileName().toString().startsWith("container_")).forEach(containers::add);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    containers.sort(Comparator.naturalOrder());
    return containers;
  }

  /** Every container log of one application (stdout, stderr), for a failure's message. */
  String logs(String applicationId) {
    StringBuilder b = new StringBuilder();
    for (Path c : containers(applicationId)) {
      try (Stream<Path> files = Files.list(c)) {
        for (Path f : files.sorted().toList()) {
          String text = Files.readString(f);
          b.append("---- ").append(c.getFileName()).append('/').append(f.getFileName()).append(" ----\n")
              .append(text.length() > 20_000 ? "..." + text.substring(text.length() - 20_000) : text)
              .append('\n');
        }
      } catch (IOException e) {
        b.append(e).append('\n');
      }
    }
    return b.toString();
  }

  @Override
  public void close() {
    yarn.stop();
  }
}
