package org.signsgd.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.storage.CloseableIterator;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.train.SparkSessions;

/**
 * The local tables' log store: of writers racing for one version exactly one wins and its lines are the version's,
 * an overwrite replaces the content and any stale checksum, and every session's Delta tables commit through it.
 */
class LocalFileLogStoreTest {
  @TempDir
  Path dir;

  private final Configuration conf = new Configuration();

  private static List<String> read(LocalFileLogStore store, org.apache.hadoop.fs.Path p, Configuration conf)
      throws Exception {
    List<String> lines = new ArrayList<>();
    try (CloseableIterator<String> it = store.read(p, conf)) {
      it.forEachRemaining(lines::add);
    }
    return lines;
  }

  /** A log file written through Hadoop's local file system, which puts its checksum file beside it. */
  private Path writtenByHadoop(String name, String line) throws Exception {
    Path target = Files.createDirectories(dir.resolve("_delta_log")).resolve(name);
    try (FSDataOutputStream out = FileSystem.getLocal(conf).create(new org.apache.hadoop.fs.Path(target.toUri()))) {
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return target;
  }

  /**
   * Six writers, each with its own store (as in six processes: nothing shared but the directory), commit one
   * version at the same moment, 60 times: each time one succeeds, the other five are refused, and the file holds
   * the winner's lines. Delta's default store let several succeed here, the last rename's lines standing.
   */
  @Test
  void ofWritersRacingForOneVersionExactlyOneWins() throws Exception {
    int writers = 6;
    Path log = Files.createDirectories(dir.resolve("_delta_log"));
    CyclicBarrier start = new CyclicBarrier(writers);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      for (int version = 0; version < 60; version++) {
        org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(
            log.resolve("%020d.json".formatted(version)).toUri());
        List<Future<Boolean>> won = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          List<String> lines = List.of("{\"writer\":" + w + "}", "{\"version\":" + version + "}");
          LocalFileLogStore store = new LocalFileLogStore(conf);
          won.add(pool.submit(() -> {
            start.await();
            try {
              store.write(file, lines.iterator(), false, conf);
              return true;
            } catch (FileAlreadyExistsException refused) {
              return false;
            }
          }));
        }
        List<Integer> winners = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          if (won.get(w).get()) {
            winners.add(w);
          }
        }
        assertThat(winners).as("version " + version).hasSize(1);
        assertThat(read(new LocalFileLogStore(conf), file, conf)).as("version " + version)
            .containsExactly("{\"writer\":" + winners.get(0) + "}", "{\"version\":" + version + "}");
      }
    } finally {
      pool.shutdownNow();
    }
    try (var names = Files.list(log)) {
      assertThat(names.map(p -> p.getFileName().toString())).as("no temporary or checksum files left")
          .hasSize(60).allMatch(n -> n.matches("\\d{20}\\.json"));
    }
  }

  /** An existing version is refused with Delta's exception, naming the file, and its content is kept. */
  @Test
  void anExistingVersionIsRefused() throws Exception {
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(Files.createDirectories(dir.resolve(
        "_delta_log")).resolve("00000000000000000000.json").toUri());
    LocalFileLogStore store = new LocalFileLogStore(conf);
    store.write(file, List.of("first").iterator(), false, conf);
    assertThatThrownBy(() -> store.write(file, List.of("second").iterator(), false, conf))
        .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining("00000000000000000000.json");
    assertThat(read(store, file, conf)).containsExactly("first");
  }

  /**
   * A version file deleted by hand leaves Hadoop's checksum file of its old content: a new commit of that version
   * removes it (left, every read of the new entry would fail its check).
   */
  @Test
  void aNewVersionRemovesAStaleChecksum() throws Exception {
    Path target = writtenByHadoop("00000000000000000003.json", "{\"old\":true}");
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(target.toUri());
    Files.delete(target);
    assertThat(LocalFileLogStore.checksumFile(target)).exists();
    LocalFileLogStore store = new LocalFileLogStore(conf);
    store.write(file, List.of("{\"new\":true}").iterator(), false, conf);
    assertThat(read(store, file, conf)).containsExactly("{\"new\":true}");
  }

  /** As with Delta's own stores, a log directory that is gone fails the commit rather than being made anew. */
  @Test
  void aMissingLogDirectoryFailsTheCommit() {
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(dir.resolve("gone/_delta_log/"
        + "00000000000000000001.json").toUri());
    assertThatThrownBy(() -> new LocalFileLogStore(conf).write(file, List.of("{}").iterator(), false, conf))
        .isInstanceOf(java.io.IOException.class).isNotInstanceOf(FileAlreadyExistsException.class);
    assertThat(dir.resolve("gone")).doesNotExist();
  }

  /**
   * {@code _last_checkpoint} is overwritten: the new lines replace the old, and the checksum file Hadoop's local
   * file system wrote for the old content goes (left, it would fail every read of the new content).
   */
  @Test
  void anOverwriteReplacesTheContentAndItsStaleChecksum() throws Exception {
    Path target = writtenByHadoop("_last_checkpoint", "{\"version\":10,\"size\":12}");
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(target.toUri());
    assertThat(LocalFileLogStore.checksumFile(target)).exists();
    LocalFileLogStore store = new LocalFileLogStore(conf);
    store.write(file, List.of("{\"version\":20,\"size\":24}").iterator(), true, conf);
    assertThat(read(store, file, conf)).containsExactly("{\"version\":20,\"size\":24}");
    assertThat(LocalFileLogStore.checksumFile(target)).doesNotExist();
  }

  /**
   * A session's Delta writes commit through this store: their version files have no Hadoop checksum file beside
   * them (Delta's default store leaves one per version, renamed with the version's file).
   */
  @Test
  void sessionsCommitThroughIt() throws Exception {
    SparkSession spark = SparkSessions.get("local[2]");
    String table = dir.resolve("t").toUri().toString();
    spark.range(3).write().format("delta").save(table);
    spark.range(3, 5).write().format("delta").mode("append").save(table);
    assertThat(spark.read().format("delta").load(table).count()).isEqualTo(5);
    try (var names = Files.list(dir.resolve("t/_delta_log"))) {
      assertThat(names.map(p -> p.getFileName().toString()).filter(n -> n.contains(".json")))
          .containsExactlyInAnyOrder("00000000000000000000.json", "00000000000000000001.json");
    }
  }
}
