package org.signsgd.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.signsgd.spec.RuleSpec;

/**
 * A chunked rule run over three chunks of coordinates (partial sums per chunk, added, decided on, finished per chunk)
 * gives the rule on the whole vectors: the same selection, and the same direction up to the rounding of the sums'
 * order.
 */
class ChunkedRulesTest {
  private static final int N = 11;
  private static final int F = 2;
  private static final int[] CUTS = {0, 64, 128, 200};

  @Test
  void threeChunksGiveTheWholeRule() {
    double[][] x = rows(new Random(7));
    x[9] = Arrays.stream(x[9]).map(v -> v * 40).toArray(); // an outlier, so the selections matter
    for (RuleSpec spec : List.of(new RuleSpec("krum", Map.of()), new RuleSpec("multi-krum", Map.of()),
        new RuleSpec("bulyan", Map.of()), new RuleSpec("bulyan", Map.of("variant", "lpd")),
        new RuleSpec("geometric-median", Map.of("iterations", 4)), new RuleSpec("nnm", Map.of()),
        new RuleSpec("nnm", Map.of("then", "krum")), new RuleSpec("nnm", Map.of("then", "geometric-median")))) {
      DenseRule rule = (DenseRule) Rules.create(spec);
      ChunkedRule chunked = rule.chunked();
      assertThat(chunked).as(spec.toString()).isNotNull();
      assertThat(rule.shardable()).isTrue();
      double[] whole = rule.combine(x, F);
      double[] pieces = inChunks(chunked, x);
      assertThat(pieces).as(spec.toString()).hasSize(whole.length);
      for (int k = 0; k < whole.length; k++) {
        assertThat(pieces[k]).as(spec + " coordinate " + k).isCloseTo(whole[k], within(1e-12 * (1 + Math.abs(
            whole[k]))));
      }
    }
  }

  @Test
  void stateOrWholeVectorInnerRulesAreNotShardable() {
    assertThat(Rules.create(new RuleSpec("centered-clipping", Map.of())).shardable()).isFalse();
    assertThat(Rules.create(new RuleSpec("sign-fd", Map.of())).shardable()).isFalse();
    Aggregator nnmCc = Rules.create(new RuleSpec("nnm", Map.of("then", "centered-clipping")));
    assertThat(nnmCc.shardable()).isFalse();
    assertThat(nnmCc.chunked()).isNull();
    assertThat(Rules.create(new RuleSpec("median", Map.of())).shardable()).isTrue();
    assertThat(Rules.create(new RuleSpec("median", Map.of())).chunked()).isNull();
  }

  private static double[] inChunks(ChunkedRule rule, double[][] x) {
    Serializable decided = null;
    for (int pass = 0; pass < rule.passes(); pass++) {
      double[] sums = null;
      for (int c = 0; c + 1 < CUTS.length; c++) {
        double[] p = rule.partial(pass, slice(x, c), F, decided);
        if (sums == null) {
          sums = p.clone();
        } else {
          for (int i = 0; i < sums.length; i++) {
            sums[i] += p[i];
          }
        }
      }
      decided = rule.decide(pass, sums, N, F, decided);
    }
    double[] out = new double[CUTS[CUTS.length - 1]];
    for (int c = 0; c + 1 < CUTS.length; c++) {
      double[] part = rule.finish(slice(x, c), F, decided);
      System.arraycopy(part, 0, out, CUTS[c], part.length);
    }
    return out;
  }

  private static double[][] slice(double[][] x, int c) {
    double[][] out = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      out[i] = Arrays.copyOfRange(x[i], CUTS[c], CUTS[c + 1]);
    }
    return out;
  }

  private static double[][] rows(Random r) {
    double[][] x = new double[N][CUTS[CUTS.length - 1]];
    for (double[] row : x) {
      for (int k = 0; k < row.length; k++) {
        row[k] = r.nextGaussian();
      }
    }
    return x;
  }
}
