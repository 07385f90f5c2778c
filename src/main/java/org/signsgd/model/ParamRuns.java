package org.signsgd.model;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The map between the trainable vector x ∈ R^d and a network's full flattened parameter vector, which also
 * holds the batch-norm running statistics (DL4J keeps them among the parameters, and writes a pseudo-gradient
 * at their positions). Both sets are lists of contiguous runs (start, length) of the flattened vector, in its
 * order; x is the trainable runs concatenated. Copies are bulk copies from and to the native buffers.
 */
final class ParamRuns {
  /** The parameter keys of DL4J's BatchNormalization that are state, not trainable. */
  static final Set<String> STATISTICS = Set.of(BatchNormalizationParamInitializer.GLOBAL_MEAN,
      BatchNormalizationParamInitializer.GLOBAL_VAR, BatchNormalizationParamInitializer.GLOBAL_LOG_STD);

  private final int[] trainable;
  private final int[] statistics;
  private final int trainableCount;
  private final int statisticsCount;

  /** The runs of a built (initialised) graph, from its layers' parameter tables. */
  ParamRuns(ComputationGraph graph) {
    INDArray flat = graph.params();
    if (!dense(flat)) {
      throw new IllegalStateException("the flattened parameters are not one dense buffer");
    }
    List<long[]> train = new ArrayList<>();
    List<long[]> stats = new ArrayList<>();
    for (Layer layer : graph.getLayers()) {
      for (Map.Entry<String, INDArray> e : layer.paramTable().entrySet()) {
        long[] run = {e.getValue().offset(), e.getValue().length()};
        (STATISTICS.contains(e.getKey()) ? stats : train).add(run);
      }
    }
    trainable = merge(train);
    statistics = merge(stats);
    trainableCount = total(trainable);
    statisticsCount = total(statistics);
    checkTiling(flat.length());
  }

  /** A vector whose element i is element i of its buffer (the bulk copies index the buffer). */
  private static boolean dense(INDArray a) {
    return a.offset() == 0 && a.isVectorOrScalar() && a.elementWiseStride() == 1 && a.data().length() >= a.length()
        && (a.dataType() == DataType.FLOAT || a.dataType() == DataType.DOUBLE);
  }

  int trainableCount() {
    return trainableCount;
  }

  int statisticsCount() {
    return statisticsCount;
  }

  /** Sorted by start, adjacent runs joined; as (start, length) pairs. */
  private static int[] merge(List<long[]> runs) {
    runs.sort(Comparator.comparingLong(r -> r[0]));
    List<long[]> joined = new ArrayList<>();
    for (long[] r : runs) {
      long[] last = joined.isEmpty() ? null : joined.get(joined.size() - 1);
      if (last != null && last[0] + last[1] == r[0]) {
        last[1] += r[1];
      } else {
        joined.add(r.clone());
      }
    }
    int[] out = new int[2 * joined.size()];
    for (int i = 0; i < joined.size(); i++) {
      out[2 * i] = Math.toIntExact(joined.get(i)[0]);
      out[2 * i + 1] = Math.toIntExact(joined.get(i)[1]);
    }
    return out;
  }

  private static int total(int[] runs) {
    long n = 0;
    for (int i = 1; i < runs.length; i += 2) {
      n += runs[i];
    }
    return Math.toIntExact(n);
  }

  /** The two sets of runs cover [0, n) exactly once. */
  private void checkTiling(long n) {
    boolean[] seen = new boolean[Math.toIntExact(n)];
    for (int[] runs : new int[][] {trainable, statistics}) {
      for (int i = 0; i < runs.length; i += 2) {
        for (int j = runs[i]; j < runs[i] + runs[i + 1]; j++) {
          if (seen[j]) {
            throw new IllegalStateException("parameter position " + j + " belongs to two parameters");
          }
          seen[j] = true;
        }
      }
    }
    if (trainableCount + statisticsCount != n) {
      throw new IllegalStateException("parameters cover " + (trainableCount + statisticsCount) + " of " + n);
    }
  }

  /** Writes x into the trainable positions of the graph's parameters; the statistics are left as they are. */
  void load(ComputationGraph graph, float[] x) {
    INDArray flat = graph.params();
    if (flat.dataType() == DataType.FLOAT) {
      FloatBuffer b = flat.data().asNioFloat();
      for (int i = 0, pos = 0; i < trainable.length; pos += trainable[i + 1], i += 2) {
        b.put(trainable[i], x, pos, trainable[i + 1]);
      }
    } else {
      DoubleBuffer b = flat.data().asNioDouble();
      double[] chunk = new double[maxRun(trainable)];
      for (int i = 0, pos = 0; i < trainable.length; pos += trainable[i + 1], i += 2) {
        for (int j = 0; j < trainable[i + 1]; j++) {
          chunk[j] = x[pos + j];
        }
        b.put(trainable[i], chunk, 0, trainable[i + 1]);
      }
    }
  }

  /**
   * The trainable positions of a flattened gradient (of the summed loss), divided by {@code rows} in the
   * network's precision, into {@code out}.
   */
  void gradient(INDArray flatGradient, int rows, float[] out) {
    INDArray g = dense(flatGradient) ? flatGradient : flatGradient.dup('c');
    if (g.dataType() == DataType.FLOAT) {
      FloatBuffer b = g.data().asNioFloat();
      for (int i = 0, pos = 0; i < trainable.length; pos += trainable[i + 1], i += 2) {
        b.get(trainable[i], out, pos, trainable[i + 1]);
      }
      for (int j = 0; j < out.length; j++) {
        out[j] /= rows;
      }
    } else {
      DoubleBuffer b = g.data().asNioDouble();
      double[] chunk = new double[maxRun(trainable)];
      for (int i = 0, pos = 0; i < trainable.length; pos += trainable[i + 1], i += 2) {
        b.get(trainable[i], chunk, 0, trainable[i + 1]);
        for (int j = 0; j < trainable[i + 1]; j++) {
          out[pos + j] = (float) (chunk[j] / rows);
        }
      }
    }
  }

  /** The trainable positions of the graph's parameters, as floats (x of the loaded parameters). */
  float[] trainable(ComputationGraph graph) {
    float[] out = new float[trainableCount];
    gradient(graph.params(), 1, out);
    return out;
  }

  /** The statistics positions of the graph's parameters (the BN running means and variances), in order. */
  double[] statistics(ComputationGraph graph) {
    double[] out = new double[statisticsCount];
    INDArray flat = graph.params();
    for (int i = 0, pos = 0; i < statistics.length; pos += statistics[i + 1], i += 2) {
      for (int j = 0; j < statistics[i + 1]; j++) {
        out[pos + j] = flat.getDouble(statistics[i] + j);
      }
    }
    return out;
  }

  private static int maxRun(int[] runs) {
    int m = 0;
    for (int i = 1; i < runs.length; i += 2) {
      m = Math.max(m, runs[i]);
    }
    return m;
  }
}
