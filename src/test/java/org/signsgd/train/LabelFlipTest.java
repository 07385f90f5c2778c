package org.signsgd.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.job.JobSpec;

/**
 * label-flip poisons only the Byzantine workers' data: with B = 0 it is no attack at all, with B = 3 of 9 it
 * changes the run; a model without class labels is refused in one line.
 */
class LabelFlipTest {
  @TempDir
  Path dir;

  private static final String JOB = """
      name: flip
      seed: 2
      model: {name: logistic}
      workers: 9
      byzantine: 3
      attack: {name: label-flip}
      aggregator: {name: mean}
      batch_size: 8
      iterations: 20
      lr: {schedule: constant, initial: 0.1}
      engine: inprocess
      """;

  @Test
  void onlyTheByzantineWorkersDataIsFlipped() throws Exception {
    List<IterationRow> none = TestJobs.timeless(TestJobs.run(new InProcessEngine(),
        TestJobs.one(dir, JOB, "byzantine=0", "attack.name=none")));
    List<IterationRow> flipNoByz = TestJobs.timeless(TestJobs.run(new InProcessEngine(),
        TestJobs.one(dir, JOB, "byzantine=0")));
    assertThat(flipNoByz).extracting(IterationRow::trainLoss).containsExactlyElementsOf(
        none.stream().map(IterationRow::trainLoss).toList());
    List<IterationRow> poisoned = TestJobs.timeless(TestJobs.run(new InProcessEngine(), TestJobs.one(dir, JOB)));
    List<IterationRow> clean = TestJobs.timeless(TestJobs.run(new InProcessEngine(),
        TestJobs.one(dir, JOB, "attack.name=none")));
    assertThat(poisoned.get(19).trainLoss()).isGreaterThan(clean.get(19).trainLoss());
  }

  @Test
  void aModelWithoutClassesIsRefused() throws Exception {
    JobSpec linear = TestJobs.one(dir, JOB.replace("{name: logistic}", "{name: linear}"));
    assertThatThrownBy(() -> new Driver(linear)).hasMessage("attack: label-flip: model linear has no class labels "
        + "to flip; allowed with mnist/fashion-mnist networks and logistic regression");
  }

  @Test
  void oneHotRowsAreReversed() {
    float[] y = {0, 1, 0, 0, 0, 0, 0, 1};
    org.signsgd.model.NetworkModelAccess.flip(y, 4);
    assertThat(y).containsExactly(0, 0, 1, 0, 1, 0, 0, 0);
  }
}
