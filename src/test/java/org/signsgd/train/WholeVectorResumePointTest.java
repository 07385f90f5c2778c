package org.signsgd.train;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A centered-clipping run under an attack that searches its factor (or under a pre-aggregator) ran on whole vectors
 * in earlier versions, which saved the rule's centre of all of d; this version keeps the centre chunk by chunk, so
 * such a resume point is refused in one line that says to start the run again, on either path (before, the two
 * paths' messages sent the user to each other).
 */
class WholeVectorResumePointTest {
  @TempDir
  Path dir;

  private static final String JOB = """
      name: whole-vector-point
      seed: 1
      model: {name: quadratic, dim: 100}
      workers: 7
      byzantine: 2
      attack: {name: min-max}
      aggregator: {name: centered-clipping}
      iterations: 2
      """;

  @Test
  void aWholeVectorCentreIsRefusedInOneLine() throws Exception {
    org.signsgd.job.JobSpec spec = TestJobs.one(dir, JOB);
    Driver driver = new Driver(spec);
    ResumePoint.DriverState old = new ResumePoint.DriverState(1, new float[100], null, 0.1, null, new double[100]);
    for (boolean sharded : new boolean[] {false, true}) {
      assertThatThrownBy(() -> driver.restore(old, sharded)).hasMessage("--resume: the resume point of "
          + spec.runId() + " keeps centered-clipping's state of whole vectors, as an earlier version wrote it; this "
          + "version keeps it chunk by chunk: start the run again with --force");
    }
    // a point this version wrote resumes
    ResumePoint.DriverState point = driver.state(1, null, 0.1, false);
    assertThatCode(() -> new Driver(TestJobs.one(dir, JOB)).restore(point, false)).doesNotThrowAnyException();
  }
}
