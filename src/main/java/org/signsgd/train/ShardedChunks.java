package org.signsgd.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.signsgd.aggregate.Rules;
import org.signsgd.attack.Attacks;
import org.signsgd.server.ChunkPiece;
import org.signsgd.server.ChunkResult;
import org.signsgd.server.ChunkWork;
import org.signsgd.server.Chunks;
import org.signsgd.server.ServerPlan;
import org.signsgd.server.ServerStep;
import org.signsgd.vote.SignVector;
import scala.Tuple2;

/**
 * {@code aggregation: sharded}: each worker's message is cut into the server's chunks where it was made, a shuffle
 * keyed by chunk brings chunk j of every message to one task (chunk j goes to shard j mod K), and that task runs
 * {@link ChunkWork} on it: the attack's part, the rule's part and the metrics' partial sums. Only the direction's
 * chunks and the partial sums come back to the driver; the shuffled chunks stay persisted for the iteration, so a
 * second pass (a malformed message) does not shuffle again. On a local master the shards read the chunks from the
 * worker stage's persisted states instead ({@link InPlaceChunks}), with no shuffle.
 */
final class ShardedChunks implements ShardedServer {
  private final JavaSparkContext jsc;
  private final JavaRDD<WorkerSlot> slots;
  private final Broadcast<ServerPlan> plan;
  private final int shards;
  /** A chunk-stateful rule's state per chunk, partitioned like the chunks (null for other rules). */
  private final JavaPairRDD<Integer, java.io.Serializable> states;
  private JavaPairRDD<Integer, Iterable<ChunkPiece>> grouped;
  private Broadcast<Reference> shipped;
  /** The round whose chunks finished with new states, kept persisted: the next iteration's states are read from it. */
  private JavaPairRDD<Integer, Timed> finished;
  /** The executor cores the shards share (the default parallelism). */
  private final int cores;
  /** Whether the shards read the chunks from the persisted states ({@link InPlaceChunks}) instead of a shuffle. */
  private final boolean inPlace;
  /** Σ over this iteration's rounds of their wall time less the shards' working time (see {@link #movingMs}). */
  private double movingMs;

  /** A chunk's result with how long the server's work on it took in its task (not counting the shuffle). */
  record Timed(ChunkResult result, long nanos) implements Serializable {
    Timed withoutState() {
      return new Timed(result.withoutState(), nanos);
    }
  }

  ShardedChunks(JavaSparkContext jsc, JavaRDD<WorkerSlot> slots, Broadcast<ServerPlan> plan, int shards,
      JavaPairRDD<Integer, java.io.Serializable> states) {
    this.inPlace = inPlace(jsc);
    this.jsc = jsc;
    this.slots = slots;
    this.plan = plan;
    this.shards = shards;
    this.states = states;
    this.cores = Math.max(1, jsc.defaultParallelism());
  }

  /**
   * How long this iteration's rounds spent on anything but the shards' work (the attack, the rule and the metrics'
   * sums): the shuffle of the chunks (cutting, writing, reading and grouping them; in place, cutting them from the
   * persisted states), scheduling the tasks, and the
   * results' way back into the driver, and broadcasting a large reference. A round's working time is the slowest
   * shard's summed chunk times, or the sum over shards divided by the cores (the default parallelism) when that is
   * more: with more shards than cores they take turns, so this is a lower bound on the work's wall time, and an
   * imbalance between the cores counts as moving.
   */
  @Override
  public double movingMs() {
    return movingMs;
  }

  /** Adds one round, which took {@code wallNanos} on the driver's clock, to {@link #movingMs}. */
  private void addRound(long wallNanos, List<Long> shardNanos) {
    long slowest = 0;
    long total = 0;
    for (long n : shardNanos) {
      slowest = Math.max(slowest, n);
      total += n;
    }
    movingMs += Math.max(0, wallNanos - Math.max(slowest, (double) total / cores)) / 1e6;
  }

  /**
   * A dense direction's chunks copied into one array of d floats as the shards' results arrive, so that the
   * driver holds the direction once and a shard's result only until it is placed (collecting every chunk first and
   * concatenating them after would hold it twice, and all the shards' results at once).
   */
  private static final class Placement {
    private final Chunks chunks;
    private float[] whole;

    Placement(Chunks chunks) {
      this.chunks = chunks;
    }

    ChunkResult place(ChunkResult r) {
      if (!(r.direction() instanceof org.signsgd.aggregate.Direction.Dense dense) || chunks.count() == 1) {
        return r;
      }
      if (whole == null) {
        whole = new float[chunks.dimension()];
      }
      System.arraycopy(dense.values(), 0, whole, chunks.from(r.chunk()), dense.values().length);
      return r.withDirection(new org.signsgd.aggregate.Direction.Dense(whole));
    }
  }

  /**
   * A thread-local Spark property ({@link JavaSparkContext#setLocalProperty}) that makes the shards shuffle the
   * chunks even on a local master ({@code "true"}), so that tests there check the path a cluster takes.
   */
  static final String SHUFFLE_PROPERTY = "signsgd.sharded.shuffle";

  /**
   * On a local master the shards read the chunks in place ({@link InPlaceChunks}): executor and driver are one JVM,
   * and a shuffle would write every message to disk and read it back. On a cluster they shuffle.
   */
  static boolean inPlace(JavaSparkContext jsc) {
    return jsc.isLocal() && !"true".equals(jsc.getLocalProperty(SHUFFLE_PROPERTY));
  }

  /** The most bytes of direction one shard's result should carry to the driver (see {@link #defaultShards}). */
  static final long SHARD_RESULT_BYTES = 16L << 20;

  /**
   * {@code aggregation_shards: auto}: the default parallelism (the executors' cores), times the smallest factor that
   * keeps each shard's part of the direction within {@link #SHARD_RESULT_BYTES}, and never more shards than
   * chunks. The driver receives and places the shards' results as they arrive; smaller results keep fewer bytes of
   * them in its heap at once (Spark fetches up to four task results together). At ResNet-50's d a dense direction
   * is 102 MB: 8 shards of 12.8 MB on 2 cores; a sign direction (3.2 MB) stays at one shard per core.
   */
  static int defaultShards(int parallelism, Chunks chunks, org.signsgd.message.MessageKind kind) {
    long bytes = kind == org.signsgd.message.MessageKind.DENSE ? 4L * chunks.dimension()
        : (chunks.dimension() + 7L) / 8;
    return (int) Math.max(1, Math.min(shardsFor(parallelism, bytes), chunks.count()));
  }

  /** The parallelism times the smallest factor that keeps each shard's part of {@code bytes} within 16 MB. */
  static long shardsFor(int parallelism, long bytes) {
    long perCore = (bytes + (long) parallelism * SHARD_RESULT_BYTES - 1) / ((long) parallelism * SHARD_RESULT_BYTES);
    return (long) parallelism * Math.max(1, perCore);
  }

  /** The chunks partitioned as the shards hold them: chunk j in shard j mod K. */
  static HashPartitioner partitioner(int shards) {
    return new HashPartitioner(shards);
  }

  /** The reference the chunks read: the gradient for an attack that reads it, its signs for the agreement. */
  private record Reference(float[] gradient, SignVector signs) implements Serializable {}

  @Override
  public ServerStep.ChunkRunner runner(float[] reference, SignVector referenceSigns) {
    Broadcast<ServerPlan> p = plan;
    if (grouped == null && inPlace) {
      grouped = InPlaceChunks.of(slots, p, shards); // not persisted: a second round cuts the chunks again
    } else if (grouped == null) {
      grouped = slots.flatMapToPair(slot -> pieces(p.value(), slot)).groupByKey(partitioner(shards));
      grouped.persist(StorageLevel.MEMORY_AND_DISK());
    }
    // a small reference (the toy's 1000 floats) travels with the tasks; a large one once per executor
    Reference ref = new Reference(reference, referenceSigns);
    long bytes = (reference == null ? 0 : 4L * reference.length) + (referenceSigns == null ? 0
        : referenceSigns.wireBytes());
    long shipping = System.nanoTime();
    Broadcast<Reference> b = bytes > SparkEngine.INLINE_BYTES ? jsc.broadcast(ref) : null;
    movingMs += (System.nanoTime() - shipping) / 1e6; // the reference's way to the shards
    if (b != null) {
      shipped = b;
    }
    Reference inline = b == null ? ref : null;
    JavaPairRDD<Integer, Iterable<ChunkPiece>> g = grouped;
    if (states == null) {
      return round -> {
        long start = System.nanoTime();
        List<ChunkResult> results = new ArrayList<>();
        Placement placed = new Placement(p.value().chunks());
        List<Long> shardNanos = new ArrayList<>();
        SparkJobs.forEachPartition(SparkJobs.map(g.rdd().toJavaRDD(), e -> {
          // the broadcasts are fetched before the clock starts: their way to the executor is moving, not work
          ServerPlan sp = p.value();
          Reference r = inline != null ? inline : b.value();
          return timed(() -> work(sp, round, e._1(), e._2(), r, null));
        }).setName(RDD_NAME), part -> shardNanos.add(each(part, r -> results.add(placed.place(r)))));
        addRound(System.nanoTime() - start, shardNanos);
        return results;
      };
    }
    // a chunk-stateful rule: each chunk's state meets its messages in the same shard (no shuffle); the results
    // come back without it, and the round whose chunks finished keeps the new states where they are
    JavaPairRDD<Integer, scala.Tuple2<Iterable<ChunkPiece>, java.io.Serializable>> joined = withStates(g, states);
    return round -> {
      long start = System.nanoTime();
      JavaPairRDD<Integer, Timed> done = SparkJobs.mapValues(joined, v -> {
        ServerPlan sp = p.value();
        Reference r = inline != null ? inline : b.value();
        return timed(() -> work(sp, round, -1, v._1(), r, v._2()));
      });
      done.persist(StorageLevel.MEMORY_AND_DISK());
      List<ChunkResult> results = new ArrayList<>();
      List<Long> shardNanos = new ArrayList<>();
      SparkJobs.forEachPartition(
          SparkJobs.map(done.rdd().toJavaRDD(), e -> e._2().withoutState()).setName(RDD_NAME),
          part -> shardNanos.add(each(part, results::add)));
      addRound(System.nanoTime() - start, shardNanos);
      if (results.stream().allMatch(r -> r.direction() != null && r.complete())) {
        if (finished != null) {
          finished.unpersist(false);
        }
        finished = done;
      } else {
        done.unpersist(false);
      }
      return results;
    };
  }

  /**
   * Each chunk with its state, shard by shard: the chunks and the states are partitioned alike (chunk j in shard
   * j mod K), so shard k pairs its own chunks with its own states as the chunks come (in place, as each is cut),
   * with no cogroup that would first gather all of a shard's chunks. The result keeps that partitioning.
   */
  static JavaPairRDD<Integer, scala.Tuple2<Iterable<ChunkPiece>, java.io.Serializable>> withStates(
      JavaPairRDD<Integer, Iterable<ChunkPiece>> chunks, JavaPairRDD<Integer, java.io.Serializable> states) {
    if (chunks.getNumPartitions() != states.getNumPartitions()) {
      throw new IllegalStateException("the chunks are in " + chunks.getNumPartitions() + " shards, their states in "
          + states.getNumPartitions());
    }
    org.apache.spark.rdd.RDD<Tuple2<Integer, Tuple2<Iterable<ChunkPiece>, java.io.Serializable>>> zipped =
        chunks.rdd().zipPartitions(states.rdd(), true, new PairWithStates(), SparkJobs.anyRef(), SparkJobs.anyRef());
    return JavaPairRDD.fromRDD(zipped, SparkJobs.anyRef(), SparkJobs.anyRef());
  }

  /** One shard's chunks, each with its state (a chunk with no state entry is an error: every chunk has one). */
  private static final class PairWithStates extends scala.runtime.AbstractFunction2<
      scala.collection.Iterator<Tuple2<Integer, Iterable<ChunkPiece>>>,
      scala.collection.Iterator<Tuple2<Integer, java.io.Serializable>>,
      scala.collection.Iterator<Tuple2<Integer, Tuple2<Iterable<ChunkPiece>, java.io.Serializable>>>>
      implements Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public scala.collection.Iterator<Tuple2<Integer, Tuple2<Iterable<ChunkPiece>, java.io.Serializable>>> apply(
        scala.collection.Iterator<Tuple2<Integer, Iterable<ChunkPiece>>> chunks,
        scala.collection.Iterator<Tuple2<Integer, java.io.Serializable>> states) {
      java.util.Map<Integer, java.io.Serializable> byChunk = new java.util.HashMap<>();
      while (states.hasNext()) {
        Tuple2<Integer, java.io.Serializable> e = states.next();
        byChunk.put(e._1(), e._2());
      }
      return chunks.map(new scala.runtime.AbstractFunction1<Tuple2<Integer, Iterable<ChunkPiece>>,
          Tuple2<Integer, Tuple2<Iterable<ChunkPiece>, java.io.Serializable>>>() {
        @Override
        public Tuple2<Integer, Tuple2<Iterable<ChunkPiece>, java.io.Serializable>> apply(
            Tuple2<Integer, Iterable<ChunkPiece>> c) {
          if (!byChunk.containsKey(c._1())) {
            throw new IllegalStateException("chunk " + c._1() + " has no state in its shard");
          }
          return new Tuple2<>(c._1(), new Tuple2<>(c._2(), byChunk.get(c._1())));
        }
      });
    }
  }

  /** The chunk states after this iteration's round (persisted until the caller unpersists them); null: none. */
  JavaPairRDD<Integer, Timed> finished() {
    return finished;
  }

  private static Timed timed(java.util.function.Supplier<ChunkResult> work) {
    long start = System.nanoTime();
    ChunkResult r = work.get();
    return new Timed(r, System.nanoTime() - start);
  }

  /** Hands each result of one shard to {@code sink}; returns the shard's summed working time. */
  private static long each(List<Timed> shard, java.util.function.Consumer<ChunkResult> sink) {
    long nanos = 0;
    for (Timed t : shard) {
      nanos += t.nanos();
      sink.accept(t.result());
    }
    return nanos;
  }

  private static ChunkResult work(ServerPlan sp, org.signsgd.server.Round round, int chunkKey,
      Iterable<ChunkPiece> pieces, Reference r, java.io.Serializable state) {
    Chunks chunks = sp.chunks();
    List<ChunkPiece> list = new ArrayList<>();
    pieces.forEach(list::add);
    int c = chunkKey >= 0 ? chunkKey : chunkOf(sp, list);
    return ChunkWork.run(Rules.create(sp.rule()), Attacks.create(sp.attack()), sp, round, c, list,
        chunks.slice(r.gradient(), c), r.signs() == null ? null : chunks.count() == 1 ? r.signs()
            : r.signs().slice(chunks.from(c), chunks.to(c)), state);
  }

  /** Which chunk a worker's pieces are: every piece carries the chunk it was cut for. */
  private static int chunkOf(ServerPlan sp, List<ChunkPiece> pieces) {
    return pieces.get(0).chunk();
  }

  /**
   * This iteration's chunks, shuffled (a chunk-stateful run removes their shuffle once a cut no longer needs it) or
   * read in place (no shuffle to remove).
   */
  JavaPairRDD<Integer, Iterable<ChunkPiece>> grouped() {
    return grouped;
  }

  /** Removes the shuffle files {@code rdd} was made from, at once. */
  static void removeShuffle(JavaSparkContext jsc, org.apache.spark.rdd.RDD<?> rdd) {
    scala.Option<org.apache.spark.ContextCleaner> cleaner = jsc.sc().cleaner();
    scala.collection.Iterator<org.apache.spark.Dependency<?>> deps = rdd.dependencies().iterator();
    while (deps.hasNext()) {
      org.apache.spark.Dependency<?> d = deps.next();
      if (d instanceof org.apache.spark.ShuffleDependency<?, ?, ?> shuffle && cleaner.isDefined()) {
        cleaner.get().doCleanupShuffle(shuffle.shuffleId(), false);
      }
    }
  }

  /** One worker's message cut into the chunks, with its vectors. */
  private static java.util.Iterator<Tuple2<Integer, ChunkPiece>> pieces(ServerPlan sp, WorkerSlot slot) {
    List<Tuple2<Integer, ChunkPiece>> out = new ArrayList<>(sp.chunks().count());
    for (int c = 0; c < sp.chunks().count(); c++) {
      out.add(new Tuple2<>(c, piece(sp, slot, c)));
    }
    return out.iterator();
  }

  /** Chunk {@code c} of one worker's message, with the same coordinates of its vectors. */
  static ChunkPiece piece(ServerPlan sp, WorkerSlot slot, int c) {
    Chunks chunks = sp.chunks();
    Uplink up = slot.uplink();
    return new ChunkPiece(up.worker(), c, chunks.slice(up.message(), c), chunks.slice(up.byzantineVector(), c),
        chunks.slice(slot.sampled(), c));
  }

  /**
   * Releases this iteration's shuffled chunks and reference. The shuffle's files go at once, as Spark's own cleaner
   * would remove them once the driver's garbage collector got round to it (at ResNet-50's d and Q = 27, 2.8 GB an
   * iteration would pile up meanwhile).
   */
  void release() {
    if (grouped != null) {
      grouped.unpersist(false);
      if (states == null) { // a chunk state computed from this shuffle may still need it to be recomputed
        removeShuffle(jsc, grouped.rdd());
      }
    }
    if (shipped != null) {
      shipped.unpersist(false);
    }
  }
}
