package org.signsgd.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.MapPartitionsRDD;
import org.apache.spark.rdd.RDD;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;
import scala.runtime.AbstractFunction3;
import scala.runtime.BoxedUnit;

/**
 * The maps and jobs an iteration runs (the worker stage's, the shards' rounds), without Spark's closure cleaning.
 * {@code JavaRDD.map} and {@code collect} hand Spark Scala lambdas, which its ClosureCleaner inspects by reading the
 * bytecode of the class that defines them (RDD, SparkContext: large classes) with ASM on every call: measured on the
 * toy quadratic at Q = 27 on local[2], 63% of the driver's CPU samples. Here the functions are plain serializable
 * classes, which the cleaner passes over at once; the RDD, its partitions, its checkpoint and the job are Spark's
 * own ({@code MapPartitionsRDD}, {@code SparkContext.runJob}).
 */
final class SparkJobs {
  private SparkJobs() {}

  /** A function of one element, serializable. */
  @FunctionalInterface
  interface Fn<T, U> extends Serializable {
    U apply(T t) throws Exception;
  }

  /** The class tag of any object: what Scala's RDD methods take for Java types. */
  static <T> ClassTag<T> anyRef() {
    @SuppressWarnings("unchecked")
    ClassTag<T> tag = (ClassTag<T>) ClassTag$.MODULE$.AnyRef();
    return tag;
  }

  /** {@code rdd.map(f)}. */
  static <T, U> JavaRDD<U> map(JavaRDD<T> rdd, Fn<T, U> f) {
    return mapEach(rdd, partition -> f);
  }

  /**
   * {@code pairs.mapValues(f)}: each value through f, the keys and the partitioning kept (a shard's chunk states
   * stay partitioned as its chunks are).
   */
  static <K, V, W> JavaPairRDD<K, W> mapValues(JavaPairRDD<K, V> pairs, Fn<V, W> f) {
    Fn<Tuple2<K, V>, Tuple2<K, W>> each = e -> new Tuple2<>(e._1(), f.apply(e._2()));
    RDD<Tuple2<K, W>> out = new MapPartitionsRDD<Tuple2<K, W>, Tuple2<K, V>>(pairs.rdd(),
        new EachElement<>(partition -> each), true, false, false, anyRef(), anyRef());
    return JavaPairRDD.fromRDD(out, anyRef(), anyRef());
  }

  /** Makes the function a partition's elements go through, once per partition (on the executor); serializable. */
  @FunctionalInterface
  interface PerPartition<T, U> extends Serializable {
    Fn<T, U> forPartition(int partition) throws Exception;
  }

  /**
   * {@code rdd.map}, each partition's elements through a function {@code f} makes for that partition (which may keep
   * what the partition's elements share), one element at a time as they are read.
   */
  static <T, U> JavaRDD<U> mapEach(JavaRDD<T> rdd, PerPartition<T, U> f) {
    RDD<U> out = new MapPartitionsRDD<U, T>(rdd.rdd(), new EachElement<>(f), false, false, false, anyRef(),
        anyRef());
    return new JavaRDD<>(out, anyRef());
  }

  /** A function of one whole partition: its index and its elements, in order; serializable. */
  @FunctionalInterface
  interface PartitionFn<T, U> extends Serializable {
    List<U> apply(int partition, List<T> elements) throws Exception;
  }

  /** {@code rdd.mapPartitionsWithIndex(f)}, each partition's elements handed to f as one list. */
  static <T, U> JavaRDD<U> mapPartitions(JavaRDD<T> rdd, PartitionFn<T, U> f) {
    RDD<U> out = new MapPartitionsRDD<U, T>(rdd.rdd(), new WholePartition<>(f), false, false, false, anyRef(),
        anyRef());
    return new JavaRDD<>(out, anyRef());
  }

  /** {@code rdd.collect()}: every partition's elements, in partition order. */
  static <T> List<T> collect(JavaRDD<T> rdd) {
    @SuppressWarnings("unchecked")
    List<T>[] parts = new List[rdd.getNumPartitions()];
    rdd.context().runJob(rdd.rdd(), new ToList<T>(), every(rdd), new Keep<>(parts), anyRef());
    List<T> out = new ArrayList<>();
    for (List<T> p : parts) {
      out.addAll(p);
    }
    return out;
  }

  /**
   * Runs every partition of {@code rdd} and hands each partition's elements to {@code each} on the driver as its
   * task's result arrives (in arrival order, one at a time): the driver then never holds every partition's result
   * at once, as {@link #collect} does.
   */
  static <T> void forEachPartition(JavaRDD<T> rdd, java.util.function.Consumer<List<T>> each) {
    Hand<T> hand = new Hand<>(each);
    rdd.context().runJob(rdd.rdd(), new ToList<T>(), every(rdd), hand, anyRef());
    hand.rethrow();
  }

  /** The indices of every partition of {@code rdd}, as runJob takes them. */
  private static scala.collection.Seq<Object> every(JavaRDD<?> rdd) {
    List<Object> partitions = new ArrayList<>(rdd.getNumPartitions());
    for (int i = 0; i < rdd.getNumPartitions(); i++) {
      partitions.add(i);
    }
    return scala.collection.JavaConverters.asScalaBufferConverter(partitions).asScala();
  }

  /** Applies f to each element of a partition. */
  private static final class EachElement<T, U> extends AbstractFunction3<TaskContext, Object, Iterator<T>,
      Iterator<U>> implements Serializable {
    private final PerPartition<T, U> f;

    EachElement(PerPartition<T, U> f) {
      this.f = f;
    }

    @Override
    public Iterator<U> apply(TaskContext context, Object index, Iterator<T> in) {
      Fn<T, U> each;
      try {
        each = f.forPartition((Integer) index);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return in.map(new AbstractFunction1<T, U>() {
        @Override
        public U apply(T t) {
          try {
            return each.apply(t);
          } catch (RuntimeException | Error e) {
            throw e;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }
      });
    }
  }

  /** Applies f to a partition's elements at once. */
  private static final class WholePartition<T, U> extends AbstractFunction3<TaskContext, Object, Iterator<T>,
      Iterator<U>> implements Serializable {
    private final PartitionFn<T, U> f;

    WholePartition(PartitionFn<T, U> f) {
      this.f = f;
    }

    @Override
    public Iterator<U> apply(TaskContext context, Object index, Iterator<T> in) {
      List<T> elements = new ToList<T>().apply(context, in);
      try {
        return scala.collection.JavaConverters.asScalaIteratorConverter(f.apply((Integer) index, elements)
            .iterator()).asScala();
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** A partition's elements as a list (on the executor). */
  private static final class ToList<T> extends AbstractFunction2<TaskContext, Iterator<T>, List<T>>
      implements Serializable {
    @Override
    public List<T> apply(TaskContext context, Iterator<T> in) {
      List<T> out = new ArrayList<>();
      while (in.hasNext()) {
        out.add(in.next());
      }
      return out;
    }
  }

  /**
   * Hands each partition's list on as it arrives (on the driver, in Spark's scheduler thread). What the consumer
   * throws, an OutOfMemoryError included, is kept and thrown again on the caller's thread once the job has ended:
   * thrown in the scheduler's thread, a fatal error would end that thread and leave this job, and every later one,
   * waiting forever.
   */
  private static final class Hand<T> extends AbstractFunction2<Object, List<T>, BoxedUnit> {
    private final java.util.function.Consumer<List<T>> each;
    private Throwable failed;

    Hand(java.util.function.Consumer<List<T>> each) {
      this.each = each;
    }

    @Override
    public BoxedUnit apply(Object index, List<T> part) {
      if (failed == null) {
        try {
          each.accept(part);
        } catch (Throwable e) {
          failed = e;
        }
      }
      return BoxedUnit.UNIT;
    }

    void rethrow() {
      if (failed instanceof RuntimeException e) {
        throw e;
      }
      if (failed instanceof Error e) {
        throw e;
      }
      if (failed != null) {
        throw new IllegalStateException(failed);
      }
    }
  }

  /** Keeps each partition's list at its index (on the driver). */
  private static final class Keep<T> extends AbstractFunction2<Object, List<T>, BoxedUnit> {
    private final List<T>[] parts;

    Keep(List<T>[] parts) {
      this.parts = parts;
    }

    @Override
    public BoxedUnit apply(Object index, List<T> part) {
      parts[(Integer) index] = part;
      return BoxedUnit.UNIT;
    }
  }
}
