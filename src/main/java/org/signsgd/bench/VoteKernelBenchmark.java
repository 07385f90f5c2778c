package org.signsgd.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.signsgd.vote.ScalarVote;
import org.signsgd.vote.SignVector;
import org.signsgd.vote.TieRule;
import org.signsgd.vote.VoteTally;

/**
 * The vote kernel: Q packed sign messages of d coordinates to their majority vote, bit-sliced
 * (carry-save adders over 64 coordinates per word) against the scalar oracle and against what a dense rule
 * costs at the least, a float sum of Q vectors of d floats.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class VoteKernelBenchmark {
  @Param("27")
  public int workers;

  @Param("1199882")
  public int dimension;

  private List<SignVector> signs;
  private float[][] dense;

  @Setup
  public void setUp() {
    SplittableRandom rng = new SplittableRandom(1);
    signs = new ArrayList<>();
    dense = new float[workers][dimension];
    for (int q = 0; q < workers; q++) {
      for (int i = 0; i < dimension; i++) {
        dense[q][i] = (float) rng.nextGaussian();
      }
      signs.add(SignVector.pack(dense[q], TieRule.ZERO, null));
    }
  }

  @Benchmark
  public SignVector bitSliced() {
    return VoteTally.of(dimension, signs).result(TieRule.ZERO, null);
  }

  @Benchmark
  public SignVector onePass() {
    return VoteTally.majority(signs, dimension, TieRule.ZERO, null);
  }

  @Benchmark
  public SignVector scalarOracle() {
    return ScalarVote.vote(signs, dimension, TieRule.ZERO, null);
  }

  @Benchmark
  public float[] floatSum() {
    float[] sum = new float[dimension];
    for (float[] v : dense) {
      for (int i = 0; i < dimension; i++) {
        sum[i] += v[i];
      }
    }
    return sum;
  }
}
