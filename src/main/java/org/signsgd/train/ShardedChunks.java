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
 * second pass (a malformed message) does not shuffle again.
 */
final class ShardedChunks implements ShardedServer {
  private final JavaSparkContext jsc;
  private final JavaRDD<WorkerSlot> slots;
  private final Broadcast<ServerPlan> plan;
  private final int shards;
  private JavaPairRDD<Integer, Iterable<ChunkPiece>> grouped;
  private Broadcast<Reference> shipped;

  ShardedChunks(JavaSparkContext jsc, JavaRDD<WorkerSlot> slots, Broadcast<ServerPlan> plan, int shards) {
    this.jsc = jsc;
    this.slots = slots;
    this.plan = plan;
    this.shards = shards;
  }

  /** The reference the chunks read: the gradient for an attack that reads it, its signs for the agreement. */
  private record Reference(float[] gradient, SignVector signs) implements Serializable {}

  @Override
  public ServerStep.ChunkRunner runner(float[] reference, SignVector referenceSigns) {
    Broadcast<ServerPlan> p = plan;
    if (grouped == null) {
      grouped = slots.flatMapToPair(slot -> pieces(p.value(), slot)).groupByKey(new HashPartitioner(shards));
      grouped.persist(StorageLevel.MEMORY_AND_DISK());
    }
    // a small reference (the toy's 1000 floats) travels with the tasks; a large one once per executor
    Reference ref = new Reference(reference, referenceSigns);
    long bytes = (reference == null ? 0 : 4L * reference.length) + (referenceSigns == null ? 0
        : referenceSigns.wireBytes());
    Broadcast<Reference> b = bytes > SparkEngine.INLINE_BYTES ? jsc.broadcast(ref) : null;
    if (b != null) {
      shipped = b;
    }
    Reference inline = b == null ? ref : null;
    JavaPairRDD<Integer, Iterable<ChunkPiece>> g = grouped;
    return round -> new ArrayList<>(g.map(e -> {
      ServerPlan sp = p.value();
      Reference r = inline != null ? inline : b.value();
      Chunks chunks = sp.chunks();
      int c = e._1();
      List<ChunkPiece> list = new ArrayList<>();
      e._2().forEach(list::add);
      return ChunkWork.run(Rules.create(sp.rule()), Attacks.create(sp.attack()), sp, round, c, list,
          chunks.slice(r.gradient(), c), r.signs() == null ? null : chunks.count() == 1 ? r.signs()
              : r.signs().slice(chunks.from(c), chunks.to(c)));
    }).collect());
  }

  private void removeShuffle(org.apache.spark.rdd.RDD<?> rdd) {
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
    Chunks chunks = sp.chunks();
    Uplink up = slot.uplink();
    List<Tuple2<Integer, ChunkPiece>> out = new ArrayList<>(chunks.count());
    for (int c = 0; c < chunks.count(); c++) {
      out.add(new Tuple2<>(c, new ChunkPiece(up.worker(), chunks.slice(up.message(), c),
          chunks.slice(up.byzantineVector(), c), chunks.slice(slot.sampled(), c))));
    }
    return out.iterator();
  }

  /**
   * Releases this iteration's shuffled chunks and reference. The shuffle's files go at once, as Spark's own cleaner
   * would remove them once the driver's garbage collector got round to it (at ResNet-50's d and Q = 27, 2.8 GB an
   * iteration would pile up meanwhile).
   */
  void release() {
    if (grouped != null) {
      grouped.unpersist(false);
      removeShuffle(grouped.rdd());
    }
    if (shipped != null) {
      shipped.unpersist(false);
    }
  }
}
