package org.signsgd.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.signsgd.spec.Echo;

/** A bad-input message is one line of at most 293 characters ("error: " in front makes 300). */
class JobExceptionTest {
  private static String items(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(i -> String.format("a%02d", i)).collect(Collectors.joining(", "));
  }

  @Test
  void aLongAllowedListKeepsItsFirstEntriesAndCountsTheRest() {
    // "jobs/x.yaml: k: bad; allowed: " is 30 characters, each entry 5 with its ", ": 50 fit with ", … (30 more)"
    String message = new JobException("jobs/x.yaml", "k", "bad; allowed: " + items(1, 80)).getMessage();
    assertThat(message).isEqualTo("jobs/x.yaml: k: bad; allowed: " + items(1, 50) + ", … (30 more)").hasSize(291);
    assertThat(new JobException("jobs/x.yaml", "k", "bad; allowed: " + items(1, 51)).getMessage())
        .isEqualTo("jobs/x.yaml: k: bad; allowed: " + items(1, 51)).hasSize(283);
  }

  @Test
  void lineBreaksAreEscapedAndLongFilesKeysAndProblemsCut() {
    assertThat(new JobException("f.yaml", "k", "is a\nb\r\tc").getMessage()).isEqualTo("f.yaml: k: is a\\nb\\r\\tc");
    String file = "/" + "d".repeat(200) + "/job.yaml";
    assertThat(new JobException(file, null, "is bad").getMessage()).isEqualTo("…" + "d".repeat(90) + "/job.yaml: "
        + "is bad");
    assertThat(new JobException("f.yaml", "k".repeat(100), "is bad").getMessage()).isEqualTo("f.yaml: "
        + "k".repeat(44) + "… (100 characters): is bad");
    assertThat(new JobException("f.yaml", null, "x".repeat(400)).getMessage()).isEqualTo("f.yaml: "
        + "x".repeat(284) + "…").hasSize(293);
  }

  /** A long file part gives way to the problem's end (how to fix it), down to its last 40 characters. */
  @Test
  void aLongFileGivesWayToTheProblemsEnd() {
    String file = "/data/experiments/" + "d".repeat(50) + "/grid.yaml (run grid-0123abcd)"; // 98 characters
    String problem = "x".repeat(180) + "; set y=4g";
    String message = new JobException(file, "k", problem).getMessage();
    // 98 + 2 + 3 + 190 = 293: fits as it is
    assertThat(message).isEqualTo(file + ": k: " + problem).hasSize(293);
    // 10 more characters of problem: the file loses its first 11 and gains "…"
    String longer = "z".repeat(10) + problem;
    assertThat(new JobException(file, "k", longer).getMessage()).isEqualTo("…" + file.substring(11) + ": k: "
        + longer).hasSize(293).endsWith("; set y=4g");
    // the file keeps its last 40 characters; then the problem is cut at the end as before
    String huge = "z".repeat(150) + problem;
    assertThat(new JobException(file, "k", huge).getMessage()).startsWith("…" + file.substring(file.length() - 39)
        + ": k: zzz").endsWith("…").hasSize(293);
  }

  @Test
  void echoedValuesAreCutToSixtyCharactersWithTheirLength() {
    assertThat(Echo.of("x".repeat(60))).isEqualTo("x".repeat(60));
    assertThat(Echo.of("x".repeat(61))).isEqualTo("x".repeat(44) + "… (61 characters)");
    assertThat(Echo.of("")).isEqualTo("''");
    assertThat(Echo.of(new byte[3])).isEqualTo("binary data (3 bytes)");
    assertThat(Echo.of("a\u2028b\u0000")).isEqualTo("a\\u2028b\\u0000");
  }
}
