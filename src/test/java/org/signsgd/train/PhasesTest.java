package org.signsgd.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signsgd.job.JobSpec;
import org.signsgd.message.SignMessage;
import org.signsgd.vote.SignVector;

/** The bench's split of an iteration: the phases add up to the iteration, and recording changes no metric. */
class PhasesTest {
  @TempDir
  Path dir;

  @Test
  void theStageSplitsByTheWorkersClocksOverTheCores() {
    Phases p = new Phases(2);
    p.begin();
    SignMessage m = new SignMessage(0, SignVector.ofSigns(new int[] {1}));
    List<Uplink> ups = List.of(new Uplink(0, m, null, false, 0, 0, null, 30_000_000L, 4_000_000L, 0),
        new Uplink(1, m, null, false, 0, 0, null, 50_000_000L, 2_000_000L, 0));
    p.stage(0, 100_000_000L, ups);
    p.add(Phases.Phase.AGGREGATE, 1.5);
    double[] med = p.medians(0);
    // gradient (30 + 50) / 2 = 40, encode (4 + 2) / 2 = 3, collect 100 - 43 = 57
    assertThat(med).containsExactly(40, 3, 57, 0, 1.5, 0, 0);
  }

  @Test
  void phasesAddUpToTheIterationAndChangeNoMetric() throws Exception {
    JobSpec spec = TestJobs.one(dir, TestJobs.TOY, "iterations=12", "workers=9", "byzantine=2",
        "attack.name=byzantine-vote");
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkSessions.get("local[2]").sparkContext());
    for (Engine engine : new Engine[] {new InProcessEngine(), new SparkEngine(jsc)}) {
      Phases phases = new Phases(engine instanceof SparkEngine ? 2 : 1);
      List<IterationRow> rows = new ArrayList<>();
      engine.run(new Driver(spec).recordPhases(phases), rows::add);
      assertThat(phases.iterations()).isEqualTo(12);
      assertThat(TestJobs.timeless(rows)).isEqualTo(TestJobs.timeless(TestJobs.run(new InProcessEngine(), spec)));
      for (int t = 0; t < 12; t++) {
        double[] at = phases.at(t);
        double iteration = rows.get(t).iterationMs();
        // the phases cover the iteration; only shipping the next downlink comes after its row is made
        assertThat(Arrays.stream(at).sum()).as("%s iteration %d", engine.getClass().getSimpleName(), t)
            .isCloseTo(iteration, within(0.05 * iteration + 1));
        assertThat(at[Phases.Phase.AGGREGATE.ordinal()]).isPositive().isEqualTo(rows.get(t).aggregateMs());
        // on the driver the whole server step is the server's own work
        assertThat(phases.workAt(t)).isEqualTo(rows.get(t).aggregateMs());
      }
    }
  }

  @Test
  void shardedTheServersWorkIsTheStepLessTheShuffle() throws Exception {
    // four chunks of coordinates on three shards over two cores: the shards take turns
    JobSpec spec = TestJobs.one(dir, TestJobs.TOY, "model.dim=200000", "iterations=6", "workers=9", "byzantine=2",
        "attack.name=byzantine-vote", "engine=spark", "aggregation=sharded", "aggregation_shards=3");
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkSessions.get("local[2]").sparkContext());
    Phases phases = new Phases(2);
    List<IterationRow> rows = new ArrayList<>();
    new SparkEngine(jsc).run(new Driver(spec).recordPhases(phases), rows::add);
    assertThat(rows).hasSize(6);
    for (int t = 0; t < 6; t++) {
      double step = rows.get(t).aggregateMs();
      // the shuffle and the tasks' scheduling take something, and the shards' work is never negative
      assertThat(phases.workAt(t)).as("iteration %d", t).isPositive().isLessThan(step);
      assertThat(phases.at(t)[Phases.Phase.AGGREGATE.ordinal()]).isEqualTo(step);
    }
    assertThat(phases.serverWorkMedian(1)).isPositive().isLessThan(phases.medians(1)[
        Phases.Phase.AGGREGATE.ordinal()]);
  }
}
