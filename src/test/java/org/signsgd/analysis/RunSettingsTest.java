package org.signsgd.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What names a figure's panels and what goes into its subtitle, from the runs' job JSON. */
class RunSettingsTest {
  private static RunSettings threeRuns() {
    Map<String, String> jobs = new LinkedHashMap<>();
    jobs.put("a", "{\"name\":\"g\",\"seed\":1,\"model\":{\"name\":\"mlp\"},\"workers\":27,\"byzantine\":4,"
        + "\"aggregator\":{\"name\":\"krum\",\"neighbours\":20},\"attack\":{\"name\":\"alie\",\"factor\":1.5},"
        + "\"lr\":{\"schedule\":\"constant\",\"initial\":0.1}}");
    jobs.put("b", "{\"name\":\"g\",\"seed\":2,\"model\":{\"name\":\"mlp\"},\"workers\":27,\"byzantine\":4,"
        + "\"aggregator\":{\"name\":\"krum\",\"neighbours\":20},\"attack\":{\"name\":\"alie\",\"factor\":1.5},"
        + "\"lr\":{\"schedule\":\"constant\",\"initial\":0.1}}");
    jobs.put("c", "{\"name\":\"g\",\"seed\":1,\"model\":{\"name\":\"mlp\"},\"workers\":27,\"byzantine\":8,"
        + "\"aggregator\":{\"name\":\"median\"},\"attack\":{\"name\":\"alie\",\"factor\":1.5},"
        + "\"lr\":{\"schedule\":\"constant\",\"initial\":0.1}}");
    return RunSettings.of(jobs);
  }

  @Test
  void flattensTheJobToDottedKeys() {
    assertThat(RunSettings.flatten("{\"attack\":{\"name\":\"alie\",\"factor\":1.5},\"workers\":27,"
        + "\"batch_size\":\"t\"}")).containsExactly(Map.entry("attack.factor", "1.5"), Map.entry("attack.name",
        "alie"), Map.entry("batch_size", "t"), Map.entry("workers", "27"));
  }

  @Test
  void onlyWhatVariesNamesAPanelAndTheSeedNever() {
    RunSettings s = threeRuns();
    // seed differs between a and b but is not a setting; neighbours is absent from c, so it varies
    assertThat(s.varying).containsExactly("aggregator.name", "aggregator.neighbours", "byzantine");
    // neighbours is 20 in every krum run: it tells nothing about a panel
    assertThat(s.label("a", k -> true)).isEqualTo("krum, B=4");
    assertThat(s.label("c", k -> !k.equals("byzantine"))).isEqualTo("median");
    assertThat(s.label("a", k -> !k.startsWith("aggregator."))).isEqualTo("B=4");
    assertThat(s.named("a", "aggregator", "?")).isEqualTo("krum");
    assertThat(s.named("c", "aggregator", "?")).isEqualTo("median");
    assertThat(s.named("c", "momentum", "none")).isEqualTo("none");
    assertThat(s.named("c", "attack", "?")).isEqualTo("alie");
  }

  @Test
  void theSubtitleIsWhatEveryRunShares() {
    assertThat(threeRuns().shared(List.of(2L, 1L, 1L))).isEqualTo(
        "model=mlp, Q=27, attack=alie(factor=1.5), lr.initial=0.1, lr.schedule=constant, "
            + "mean over seeds 1–2 (2)");
    assertThat(threeRuns().shared(List.of(7L))).endsWith(", seed 7");
  }

  @Test
  void aSettingThatGoesWithTheRuleFollowsFromIt() {
    RunSettings s = threeRuns();
    // neighbours is set for krum only; byzantine is 4 for krum and 8 for median in these three runs
    assertThat(s.followsFrom("aggregator.neighbours", run -> s.named(run, "aggregator", "?"))).isTrue();
    assertThat(s.followsFrom("byzantine", run -> s.named(run, "aggregator", "?"))).isTrue();
    assertThat(s.followsFrom("byzantine", run -> "all")).isFalse();
    assertThat(s.followsFrom("lr.initial", run -> "all")).isTrue();
  }

  @Test
  void aParameterShowsWhereItDiffersBetweenRunsOfOneRule() {
    Map<String, String> jobs = new LinkedHashMap<>();
    jobs.put("a", "{\"aggregator\":{\"name\":\"krum\",\"neighbours\":26},\"byzantine\":24}");
    jobs.put("b", "{\"aggregator\":{\"name\":\"krum\",\"neighbours\":38},\"byzantine\":12}");
    jobs.put("c", "{\"aggregator\":{\"name\":\"median\",\"mode\":\"lower\"},\"byzantine\":12}");
    jobs.put("d", "{\"aggregator\":{\"name\":\"krum\",\"neighbours\":26},\"attack\":{\"name\":\"alie\","
        + "\"z\":1},\"byzantine\":24}");
    jobs.put("e", "{\"aggregator\":{\"name\":\"krum\",\"neighbours\":26},\"attack\":{\"name\":\"alie\","
        + "\"z\":2},\"byzantine\":24}");
    RunSettings s = RunSettings.of(jobs);
    assertThat(s.label("a", k -> true)).isEqualTo("krum(neighbours=26), B=24");
    assertThat(s.label("b", k -> !k.equals("byzantine"))).isEqualTo("krum(neighbours=38)");
    assertThat(s.label("c", k -> true)).isEqualTo("median, B=12"); // mode is always lower for the median
    assertThat(s.label("e", k -> true)).isEqualTo("krum(neighbours=26), alie(z=2), B=24");
    assertThat(s.label("e", k -> !k.equals("attack.name"))).isEqualTo("krum(neighbours=26), attack(z=2), B=24");
    assertThat(s.named("b", "aggregator", "?")).isEqualTo("krum(neighbours=38)");
    assertThat(s.named("c", "aggregator", "?")).isEqualTo("median");
    assertThat(s.named("d", "attack", "?")).isEqualTo("alie(z=1)");
    assertThat(s.named("a", "attack", "none")).isEqualTo("none");
  }
}
