package org.signsgd.train;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.Dependency;
import org.apache.spark.HashPartitioner;
import org.apache.spark.NarrowDependency;
import org.apache.spark.Partition;
import org.apache.spark.Partitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.signsgd.server.ChunkPiece;
import org.signsgd.server.ServerPlan;
import scala.Option;
import scala.Tuple2;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag;

/**
 * The shards' chunks read where the worker stage left them, with no shuffle: shard k's task reads every partition of
 * the persisted state RDD and cuts, from each worker's message, the chunks c with c mod K = k (the partitioning of
 * {@link ShardedChunks#partitioner}), one chunk at a time as the work reaches it. Each shard depends on all the state
 * RDD's partitions (a narrow dependency, as Spark's own coalesce has), so it is one stage. The state RDD is
 * persisted (in memory, or spilled to the local disk) through the iteration's server step; the shards read it then,
 * and the round that keeps a chunk-stateful rule's new states is persisted in turn, so nothing reads these shards
 * once the run has released that RDD.
 *
 * <p>On a local master the executor is the driver's JVM: the persisted states are the worker stage's own objects,
 * and a shard's read of them is a copy of its chunks in memory, where a shuffle writes every message to disk,
 * serialised, and reads it back. On a cluster a shard would fetch every remote partition whole, K times the
 * messages over the network: there the shuffle (which moves each chunk once) is the better way.
 */
final class InPlaceChunks extends RDD<Tuple2<Integer, Iterable<ChunkPiece>>> {
  private static final long serialVersionUID = 1L;

  private final Broadcast<ServerPlan> plan;
  private final int shards;

  /** Shard k: which shard, and the state RDD's partitions it reads (all of them, in order). */
  private record Shard(int index, Partition[] parents) implements Partition {
    @Override
    public boolean equals(Object o) {
      return o instanceof Shard s && s.index == index;
    }

    @Override
    public int hashCode() {
      return index;
    }
  }

  /** Every child partition reads every parent partition. */
  private static final class AllPartitions extends NarrowDependency<WorkerSlot> {
    private static final long serialVersionUID = 1L;

    AllPartitions(RDD<WorkerSlot> rdd) {
      super(rdd);
    }

    @Override
    public scala.collection.immutable.List<Object> getParents(int partitionId) {
      List<Object> all = new ArrayList<>();
      for (int p = 0; p < rdd().getNumPartitions(); p++) {
        all.add(p);
      }
      return JavaConverters.asScalaBuffer(all).toList();
    }
  }

  private InPlaceChunks(RDD<WorkerSlot> slots, Broadcast<ServerPlan> plan, int shards) {
    super(slots.context(), JavaConverters.asScalaBuffer(List.<Dependency<?>>of(new AllPartitions(slots))).toList(),
        tag());
    this.plan = plan;
    this.shards = shards;
  }

  /** The chunks of this iteration's messages in {@code shards} shards, chunk j in shard j mod K. */
  static JavaPairRDD<Integer, Iterable<ChunkPiece>> of(JavaRDD<WorkerSlot> slots, Broadcast<ServerPlan> plan,
      int shards) {
    return JavaPairRDD.fromRDD(new InPlaceChunks(slots.rdd(), plan, shards), classTag(Integer.class),
        classTag(Iterable.class));
  }

  /**
   * Called once, on the driver, when the shards' partitions are first asked for (the zip with a chunk-stateful
   * rule's states, or the first job's submission): the state RDD's partitions as they are then, after the worker
   * stage checkpointed it.
   */
  @Override
  public Partition[] getPartitions() {
    Partition[] parents = dependencies().head().rdd().partitions();
    Partition[] out = new Partition[shards];
    for (int k = 0; k < shards; k++) {
      out[k] = new Shard(k, parents);
    }
    return out;
  }

  @Override
  public Option<Partitioner> partitioner() {
    return Option.apply(new HashPartitioner(shards));
  }

  /**
   * Shard k's chunks, each cut when the consumer reaches it: the shard holds its workers' states (the persisted
   * objects, read once) and one chunk of every message at a time, so a chunk is cut just before its work reads it
   * (Q · 256 kB, in the cache) rather than all of the shard's chunks at once (at ResNet-50's d and Q = 27, the
   * shards' chunks together are 2.76 GB).
   */
  @Override
  @SuppressWarnings("unchecked")
  public scala.collection.Iterator<Tuple2<Integer, Iterable<ChunkPiece>>> compute(Partition split,
      TaskContext context) {
    Shard shard = (Shard) split;
    RDD<WorkerSlot> slots = (RDD<WorkerSlot>) dependencies().head().rdd();
    ServerPlan sp = plan.value();
    List<WorkerSlot> workers = new ArrayList<>();
    for (Partition p : shard.parents()) {
      scala.collection.Iterator<WorkerSlot> it = slots.iterator(p, context);
      while (it.hasNext()) {
        workers.add(it.next());
      }
    }
    int count = workers.isEmpty() ? 0 : sp.chunks().count();
    java.util.Iterator<Tuple2<Integer, Iterable<ChunkPiece>>> chunks = new java.util.Iterator<>() {
      private int c = shard.index();

      @Override
      public boolean hasNext() {
        return c < count;
      }

      @Override
      public Tuple2<Integer, Iterable<ChunkPiece>> next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        List<ChunkPiece> pieces = new ArrayList<>(workers.size());
        for (WorkerSlot slot : workers) {
          pieces.add(ShardedChunks.piece(sp, slot, c));
        }
        Tuple2<Integer, Iterable<ChunkPiece>> out = new Tuple2<>(c, pieces);
        c += shards;
        return out;
      }
    };
    return JavaConverters.asScalaIterator(chunks);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static ClassTag<Tuple2<Integer, Iterable<ChunkPiece>>> tag() {
    return (ClassTag) classTag(Tuple2.class);
  }

  @SuppressWarnings("unchecked")
  private static <T> ClassTag<T> classTag(Class<?> c) {
    return (ClassTag<T>) scala.reflect.ClassTag$.MODULE$.apply(c);
  }
}
