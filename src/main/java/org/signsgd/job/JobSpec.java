package org.signsgd.job;

import java.io.Serializable;
import org.signsgd.spec.RuleSpec;

/**
 * One run of a job file, resolved and validated. The keys of the YAML file, in snake case, map one to one onto
 * these components.
 *
 * @param runId deterministic: the job name and the first 4 bytes of the SHA-256 of the settings as the job file
 *     states them (canonical JSON, with the momentum and image-data defaults); output directories find their
 *     runs by it, so it does not depend on {@link #json()}
 * @param referenceEvery for networks, compute the honest mean gradient (the reference of the vote metrics) every
 *     this many iterations; 0: only when the attack needs it. Analytic models have it every iteration.
 * @param workersPerPartition workers hosted by one Spark partition (one task runs them in turn, each with its
 *     own state, seed stream and message: the rows do not change); ceil(Q / this) partitions; 0 = auto:
 *     ceil(Q / cores) on a local master (as many tasks as cores), 1 on a cluster
 * @param aggregation where the server's work runs: {@code driver} (every message collected to the driver),
 *     {@code sharded} (the messages cut into chunks of coordinates that tasks on the executors attack, aggregate
 *     and measure; the driver only puts the direction together) or {@code auto} (sharded when the rule and the
 *     attack can be sharded, the rule reads dense messages or keeps per-coordinate state, d ≥ 2^20 and
 *     resident_workers is not true; else driver). The rows are the same either way.
 *     Not part of the run's settings.
 * @param aggregationShards the shards of a sharded server step (tasks per iteration); 0 = auto: the default
 *     parallelism (the executors' cores). Not part of the run's settings.
 * @param checkpointDir where the Spark engine checkpoints the worker states every {@code checkpointEvery}
 *     iterations, reliably (any Hadoop file system: a lost executor's partitions are recomputed from there); null:
 *     local checkpoints (faster, but an executor's loss then fails the run). Not part of the run's settings.
 * @param momentumAt {@code worker} (each worker keeps v, the papers' Signum and seed 003's proposal) or
 *     {@code server} (the driver keeps v over the aggregates)
 * @param momentumDampening δ in v ← βv + (1 − δ)g
 * @param nesterov gradients at the look-ahead x − η_t β v (seed 003's Nesterov: v the worker's own momentum,
 *     or the server's)
 * @param gradientClip clip each worker's sampled gradient to this norm (0: off; seed 003: 2)
 * @param l2Penalty λ of the unsquared penalty λ‖x‖₂ added to each worker's loss (0: off; seed 003: 1e-4)
 * @param workerMetrics write workers/: one row per (iteration, worker) with its agreement and weight
 * @param device {@code cpu} or {@code gpu}: where each task runs its workers' gradients; with {@code gpu} a task
 *     that finds no CUDA backend of ND4J or no GPU assigned by Spark fails the run at its first iteration, never
 *     falling back to the CPU. Not part of the run's settings (the arithmetic is the same); {@link #json()}
 *     names it only when it is {@code gpu} (absent: cpu, as in every run recorded before the key existed).
 * @param residentWorkers {@code true}: the worker tasks stay running from one checkpoint to the next and trade
 *     downlinks and uplinks with the driver over a socket, instead of one Spark job per iteration (small models on
 *     few cores, where the job's scheduling is most of an iteration); {@code false}: one job per iteration;
 *     {@code auto}: resident on a local master where they can be (the engine decides)
 * @param json the effective settings as JSON (provenance, {@code runs.job}): every setting with the value the
 *     run uses, defaults included, and every model, data, rule, attack and schedule parameter the run read
 */
public record JobSpec(String runId, String name, long seed, RuleSpec model, RuleSpec data, int workers,
    int byzantine, int declaredByzantine, RuleSpec attack, RuleSpec aggregator, double momentumBeta,
    String momentumAt, double momentumDampening, boolean nesterov, double weightDecay, double gradientClip, double l2Penalty, BatchSize batchSize, int iterations, RuleSpec lr, int evalEvery, int referenceEvery, EngineKind engine,
    int checkpointEvery, String checkpointDir, int flushEvery, int checkEvery, int workersPerPartition, String aggregation, int aggregationShards, boolean workerMetrics,
    String device, String residentWorkers, String json)
    implements Serializable {

  /** Whether the run asks its tasks for a GPU each ({@code device: gpu}). */
  public boolean gpu() {
    return device.equals("gpu");
  }

  /** "signum", "signsgd" or the dense rule's name, for grouping in queries. */
  public String algorithm() {
    if (aggregator.name().equals("majority-vote")) {
      return momentumBeta > 0 ? "signum" : "signsgd";
    }
    return aggregator.name().equals("mean") ? "sgd" : aggregator.name();
  }
}
