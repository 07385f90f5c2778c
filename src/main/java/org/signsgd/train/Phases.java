package org.signsgd.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where one iteration's wall time goes, for the benchmark ({@code bench}, sections c and j): per iteration,
 * milliseconds in each {@link Phase}, and how much of the server step was the server's own work. The engine and the
 * driver add to it when one is attached ({@link Driver#recordPhases}); runs without one pay nothing. Driver-side and
 * single-threaded.
 */
public final class Phases {
  /** The parts of an iteration, in the order they happen. */
  public enum Phase {
    /** Σ over workers of the minibatch gradient time, divided by the cores: the share each core computed. */
    GRADIENT,
    /** Σ over workers of momentum and sign packing, divided by the cores. */
    ENCODE,
    /** The worker stage's wall time less the two above: scheduling, task and result serialisation, imbalance. */
    COLLECT,
    /** The honest-mean reference ({@code treeAggregate}), on the iterations that need it. */
    HONEST_MEAN,
    /** The server step: message checks, the attack's forging and the rule (the vote), with server momentum. */
    AGGREGATE,
    /** Shipping the next downlink (inline or broadcast) and releasing the last one. */
    BROADCAST,
    /** Everything else on the driver: replica checks, loss, agreement, evaluation sums, the update of x. */
    METRICS
  }

  private final int cores;
  private final List<double[]> rows = new ArrayList<>();
  /** Per iteration, the server's own work within {@link Phase#AGGREGATE} (see {@link #serverWork}). */
  private final List<Double> work = new ArrayList<>();
  private double[] current;
  /** When the last recorded phase ended ({@link System#nanoTime}): the next one starts there, leaving no gap. */
  private long last;

  public Phases(int cores) {
    this.cores = cores;
  }

  void begin() {
    current = new double[Phase.values().length];
    rows.add(current);
    work.add(Double.NaN);
  }

  /**
   * The part of this iteration's {@link Phase#AGGREGATE} that was the server's own work (the attack, the rule, the
   * metrics' sums and putting them together): all of it on the driver; sharded, all but the chunks' shuffle to the
   * shards and their results' way back. Not a phase of its own: the phases still add up to the iteration.
   */
  void serverWork(double ms) {
    work.set(work.size() - 1, ms);
  }

  /** {@link #serverWork} of iteration t (NaN: it had no server step, e.g. the run diverged before it). */
  public double workAt(int t) {
    return work.get(t);
  }

  /** The median over iterations [from, end) of {@link #serverWork}, over those that had a server step. */
  public double serverWorkMedian(int from) {
    double[] v = work.stream().skip(from).mapToDouble(Double::doubleValue).filter(w -> !Double.isNaN(w)).sorted()
        .toArray();
    return median(v);
  }

  void add(Phase p, double ms) {
    current[p.ordinal()] += ms;
  }

  /** Adds the time since the last recorded phase ended to {@code p}; returns now. */
  long until(Phase p) {
    long now = System.nanoTime();
    current[p.ordinal()] += (now - last) / 1e6;
    last = now;
    return now;
  }

  /** When the last recorded phase ended. */
  long last() {
    return last;
  }

  /** The worker stage ran from {@code startNanos} to {@code endNanos}; split it with the workers' own clocks. */
  void stage(long startNanos, long endNanos, List<Uplink> ups) {
    double stageMs = (endNanos - startNanos) / 1e6;
    last = endNanos;
    double gradient = 0;
    double encode = 0;
    for (Uplink u : ups) {
      gradient += u.computeNanos() / 1e6;
      encode += u.encodeNanos() / 1e6;
    }
    add(Phase.GRADIENT, gradient / cores);
    add(Phase.ENCODE, encode / cores);
    add(Phase.COLLECT, stageMs - (gradient + encode) / cores);
  }

  /** The median over iterations [from, end) of each phase, in {@link Phase} order. */
  public double[] medians(int from) {
    double[] out = new double[Phase.values().length];
    for (int p = 0; p < out.length; p++) {
      int k = p;
      out[p] = median(rows.stream().skip(from).mapToDouble(r -> r[k]).sorted().toArray());
    }
    return out;
  }

  private static double median(double[] sorted) {
    double[] v = sorted;
    return v.length == 0 ? Double.NaN : v.length % 2 == 1 ? v[v.length / 2]
        : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** The phases of iteration t, in {@link Phase} order. */
  public double[] at(int t) {
    return rows.get(t).clone();
  }

  public int iterations() {
    return rows.size();
  }

  @Override
  public String toString() {
    return "Phases" + Arrays.toString(medians(0));
  }
}
