package org.signsgd.train;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.signsgd.aggregate.Direction;

/**
 * What {@code train --resume RUN_ID} continues from (README, "Running on a cluster"): at every checkpoint of a run with
 * a {@code checkpoint_dir}, under {@code <checkpoint_dir>/<run_id>/}: the worker states after iteration t
 * ({@code workers-<t+1>/}, an object file the executors write), the driver's state ({@code driver-<t+1>}: its x and the
 * downlink of iteration t+1), and last the marker {@code LATEST} naming t+1. A driver that dies between two markers
 * leaves the previous point intact. Every random draw derives from (seed, iteration, worker), so nothing else is needed
 * to continue bit for bit.
 */
final class ResumePoint {
  /**
   * The driver's part: the next iteration, x after the last step, and the downlink the workers apply next; the
   * data the run read where its settings do not say ({@code GradientModel.dataFingerprint}; null in points written
   * before it was kept, and for data the settings identify).
   */
  record DriverState(long next, float[] x, Direction direction, double lr, float[] serverMomentum,
      Serializable ruleState, String data) implements Serializable {
    /** A point over data the settings identify. */
    DriverState(long next, float[] x, Direction direction, double lr, float[] serverMomentum,
        Serializable ruleState) {
      this(next, x, direction, lr, serverMomentum, ruleState, null);
    }
  }

  private final JavaSparkContext jsc;
  private final Path dir;

  ResumePoint(JavaSparkContext jsc, String checkpointDir, String runId) {
    this.jsc = jsc;
    this.dir = new Path(new Path(URI.create(checkpointDir.endsWith("/") ? checkpointDir : checkpointDir + "/")),
        runId);
  }

  /** Saves the point before iteration {@code state.next()}; the marker is written last. */
  void save(JavaRDD<WorkerSlot> slots, DriverState state) {
    save(slots, state, null);
  }

  /**
   * Saves the point before iteration {@code state.next()}, with the shards' chunk states of a sharded chunk-stateful
   * rule ({@code chunks-<t+1>/}) when there are some; the marker is written last.
   */
  void save(JavaRDD<WorkerSlot> slots, DriverState state,
      org.apache.spark.api.java.JavaPairRDD<Integer, Serializable> chunkStates) {
    try {
      FileSystem fs = fs();
      Path workers = new Path(dir, "workers-" + state.next());
      fs.delete(workers, true);
      slots.map(WorkerSlot::state).saveAsObjectFile(workers.toString());
      if (chunkStates != null) {
        Path chunks = new Path(dir, "chunks-" + state.next());
        fs.delete(chunks, true);
        chunkStates.saveAsObjectFile(chunks.toString());
      }
      try (ObjectOutputStream out = new ObjectOutputStream(fs.create(new Path(dir, "driver-" + state.next()),
          true))) {
        out.writeObject(state);
      }
      Path tmp = new Path(dir, "LATEST.tmp");
      try (FSDataOutputStream out = fs.create(tmp, true)) {
        out.write(Long.toString(state.next()).getBytes(StandardCharsets.US_ASCII));
      }
      Path latest = new Path(dir, "LATEST");
      long previous = latest();
      fs.delete(latest, false);
      if (!fs.rename(tmp, latest)) {
        throw new IOException("could not rename " + tmp + " to " + latest);
      }
      if (previous >= 0 && previous != state.next()) {
        fs.delete(new Path(dir, "workers-" + previous), true);
        fs.delete(new Path(dir, "chunks-" + previous), true);
        fs.delete(new Path(dir, "driver-" + previous), false);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("checkpoint_dir: cannot write the resume point in " + dir + ": "
          + e.getMessage(), e);
    }
  }

  /** The iteration the last complete point continues at, or -1 when there is none. */
  long latest() throws IOException {
    FileSystem fs = fs();
    Path latest = new Path(dir, "LATEST");
    if (!fs.exists(latest)) {
      // LATEST.tmp is complete before LATEST is replaced: a crash between the two leaves it
      latest = new Path(dir, "LATEST.tmp");
      if (!fs.exists(latest)) {
        return -1;
      }
    }
    try (FSDataInputStream in = fs.open(latest)) {
      return Long.parseLong(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
    }
  }

  DriverState driverState(long next) throws IOException {
    try (ObjectInputStream in = new ObjectInputStream(fs().open(new Path(dir, "driver-" + next)))) {
      return (DriverState) in.readObject();
    } catch (ClassNotFoundException e) {
      throw new IOException("driver-" + next + " was written by another version: " + e.getMessage(), e);
    }
  }

  JavaRDD<WorkerState> workers(long next) {
    return jsc.objectFile(new Path(dir, "workers-" + next).toString());
  }

  /** The shards' chunk states of the point before iteration {@code next}, as (chunk, state) pairs. */
  org.apache.spark.api.java.JavaPairRDD<Integer, Serializable> chunks(long next) {
    JavaRDD<scala.Tuple2<Integer, Serializable>> pairs = jsc.objectFile(new Path(dir, "chunks-" + next).toString());
    return pairs.mapToPair(p -> p);
  }

  String location() {
    return dir.toString();
  }

  private FileSystem fs() throws IOException {
    Configuration conf = jsc.hadoopConfiguration();
    return dir.getFileSystem(conf);
  }
}
