package org.signsgd.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.signsgd.job.JobFile;
import org.signsgd.job.JobSpec;

/** Job files written on the fly for tests. */
public final class TestJobs {
  private TestJobs() {}

  public static List<JobSpec> load(Path dir, String yaml, String... overrides) throws IOException {
    Path file = Files.createTempFile(dir, "job", ".yaml");
    Files.writeString(file, yaml);
    return JobFile.load(file, List.of(overrides));
  }

  public static JobSpec one(Path dir, String yaml, String... overrides) throws IOException {
    return load(dir, yaml, overrides).get(0);
  }

  /** The rows of a whole run; a run that fails throws its error. */
  public static List<IterationRow> run(Engine engine, JobSpec spec) {
    List<IterationRow> rows = new ArrayList<>();
    RunLifecycle.Ended ended = RunLifecycle.run(engine, new Driver(spec), rows::add);
    if (ended.error() != null) {
      throw ended.error();
    }
    if (ended.status() == RunStatus.INTERRUPTED) {
      throw new IllegalStateException("the run was interrupted: its rows are partial");
    }
    return rows;
  }

  /** The row without its timing columns. */
  public static IterationRow timeless(IterationRow r) {
    return new IterationRow(r.runId(), r.iteration(), r.lr(), r.trainLoss(), r.gap(), r.testLoss(),
        r.testAccuracy(), r.gradNormL1(), r.honestAgreement(), r.voteFailureRate(), r.boundFailure(),
        r.exactFailure(), r.varianceNormRatio(), r.varianceNormRatioSampled(), r.varianceBound(), r.cosineToReference(),
        r.malformedMessages(),
        r.bytesUp(), r.bytesDown(), 0, 0, 0, r.algorithm(),
        r.aggregator(), r.attack(), r.workers(), r.byzantine(), r.batchSize(), r.seed(), r.dimension(),
        r.badImages(), r.attackFactor(), r.attackEvaluations());
  }

  public static List<IterationRow> timeless(List<IterationRow> rows) {
    return rows.stream().map(TestJobs::timeless).toList();
  }

  public static final String TOY = """
      name: toy
      seed: 3
      model: {name: quadratic, dim: 1000, noise_std: 1.0, x0: 1.0}
      workers: 27
      byzantine: 0
      attack: {name: omniscient}
      aggregator: {name: majority-vote}
      batch_size: 1
      iterations: 500
      lr: {schedule: inverse-sqrt, initial: 1.0}
      engine: inprocess
      """;
}
