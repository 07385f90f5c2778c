package org.signsgd.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad job input that used to run something other than what the file says, or fail with a stack trace or an
 * unreadable message: each is now one exact line.
 */
class JobInputTest {
  @TempDir
  Path dir;

  private static final String BASE = """
      name: t
      model: {name: quadratic, dim: 10}
      workers: 9
      byzantine: 2
      attack: omniscient
      iterations: 10
      """;

  private Path write(String yaml) throws Exception {
    Path f = dir.resolve("job.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  private String f() {
    return dir.resolve("job.yaml").toString();
  }

  private void assertError(String yaml, List<String> overrides, String message) throws Exception {
    Path f = write(yaml);
    assertThatThrownBy(() -> JobFile.load(f, overrides)).isInstanceOf(JobException.class).hasMessage(message);
  }

  @Test
  void anEmptyOrNullSetValueIsRefusedNotTheDefault() throws Exception {
    // before: iterations= ran 500 iterations (the default), not the file's 10; byzantine= gave B = 0
    assertThat(JobFile.load(write(BASE), List.of()).get(0).iterations()).isEqualTo(10);
    assertError(BASE, List.of("iterations="), f() + ": --set iterations: the value after '=' is empty; give one "
        + "after '=', or leave this --set out to keep the job file's value (default: 500)");
    assertError(BASE, List.of("byzantine= "), f() + ": --set byzantine: the value after '=' is empty; give one "
        + "after '=', or leave this --set out to keep the job file's value (default: 0)");
    assertError(BASE, List.of("iterations=null"), f() + ": --set iterations: the value 'null' is YAML's null; give "
        + "one after '=', or leave this --set out to keep the job file's value (default: 500)");
    assertError(BASE, List.of("iterations=~"), f() + ": --set iterations: the value '~' is YAML's null; give one "
        + "after '=', or leave this --set out to keep the job file's value (default: 500)");
    assertError(BASE, List.of("attack={name: blind-flip, r: }"), f() + ": --set attack: the key r in the value has "
        + "no value; give it one, or leave the key out");
    assertError(BASE, List.of("grid.seed=[1, ~]"), f() + ": --set grid.seed: entry [1] of the value is empty; "
        + "give it a value, or remove it");
  }

  @Test
  void aNullInTheFileIsRefusedWithItsLineAndTheDefault() throws Exception {
    assertError(BASE + "lr:\n", List.of(), f() + ": lr: has no value (line 7); give one, or leave the key out to "
        + "use the default ({schedule: inverse-sqrt, initial: 1.0})");
    assertError(BASE + "eval_every: null\n", List.of(), f() + ": eval_every: has no value (line 7); give one, or "
        + "leave the key out to use the default (0)");
    assertError(BASE + "momentum: {beta: ~}\n", List.of(), f() + ": momentum.beta: has no value (line 7); give "
        + "one, or leave the key out to use the default (0.0)");
    assertError(BASE + "aggregator: {name: krum, neighbours: }\n", List.of(), f() + ": aggregator.neighbours: has "
        + "no value (line 7); give one, or leave the key out to use the default");
    assertError(BASE + "grid: {seed: [1, null]}\n", List.of(), f() + ": grid.seed[1]: has no value (line 7); give "
        + "one, or remove the entry");
    assertError(BASE + "grid:\n", List.of(), f() + ": grid: has no value (line 7); give one, or leave the key out "
        + "to use the default");
    // the file is bad input whatever the command line says
    assertError(BASE + "lr:\n", List.of("lr=0.5"), f() + ": lr: has no value (line 7); give one, or leave the key "
        + "out to use the default ({schedule: inverse-sqrt, initial: 1.0})");
  }

  @Test
  void aKeyGivenTwiceIsRefusedWithItsLine() throws Exception {
    assertError(BASE + "iterations: 20\n", List.of(), f() + ": iterations: appears twice (line 7); keep one");
    assertError(BASE.replace("attack: omniscient", "attack: {name: omniscient, name: blind-flip}"), List.of(),
        f() + ": attack.name: appears twice (line 5); keep one");
    assertError(BASE, List.of("attack={name: a, name: b}"), f() + ": --set attack: the key name appears twice in "
        + "the value; keep one");
  }

  @Test
  void deepNestingIsOneShortLineNotAStackOverflow() throws Exception {
    // 3,000 levels used to overflow the stack; 500 echoed the whole value (1,000+ characters)
    for (int depth : new int[] {33, 500, 3_000, 100_000}) {
      assertError(BASE + "data: " + "[".repeat(depth) + "]".repeat(depth) + "\n", List.of(), f() + ": data: "
          + "nests lists and maps more than 32 deep; a job's settings nest a few levels (line 7)");
      assertError(BASE, List.of("model=" + "{a: ".repeat(depth) + "1" + "}".repeat(depth)), f() + ": --set model: "
          + "the value at a nests lists and maps more than 32 deep; a job's settings nest a few levels");
    }
    // 32 levels, the file's own map included, are read (and refused for what they are)
    assertError(BASE + "data: " + "[".repeat(31) + "]".repeat(31) + "\n", List.of(), f() + ": data: is "
        + "[".repeat(31) + "]".repeat(13) + "… (62 characters); allowed: a name, or a map with a name and "
        + "parameters, e.g. {name: synthetic}");
    assertError(BASE, List.of("a.".repeat(40) + "b=1"), f() + ": --set " + "a.".repeat(19) + "… (87 characters): "
        + "the key path is more than 32 keys deep; a job's settings nest a few levels");
  }

  @Test
  void aLongValueIsEchoedCutWithItsLength() throws Exception {
    String name = "x".repeat(5_000);
    assertError(BASE.replace("name: quadratic", "name: " + name), List.of(), f() + ": model: unknown model '"
        + "x".repeat(44) + "… (5000 characters)'; allowed: quadratic, linear, logistic, mlp, mengoli-cnn, "
        + "akoun-mnistnet, linreg-net, logreg-net, resnet18, resnet50");
    assertError(BASE + "engine: \"a\\nb\"\n", List.of(), f() + ": engine: is a\\nb; allowed: inprocess, spark");
  }

  @Test
  void notUtf8TextBinaryFilesAndDirectoriesSaySo() throws Exception {
    Path latin1 = dir.resolve("job.yaml");
    Files.write(latin1, "name: t\nseed: 1 # café\n".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> JobFile.load(latin1, List.of())).hasMessage(f() + ": is not UTF-8 text (byte 0xE9 at "
        + "line 2, column 14); save it as UTF-8, e.g. iconv -f latin1 -t utf-8");
    Files.write(latin1, new byte[] {'n', 'a', 'm', 'e', ':', 0, 1, 2, (byte) 0xff});
    assertThatThrownBy(() -> JobFile.load(latin1, List.of())).hasMessage(f() + ": is binary, not a YAML text file "
        + "(byte 0x00 at offset 5); give a job file such as jobs/quickstart.yaml");
    assertThatThrownBy(() -> JobFile.load(dir, List.of())).hasMessage(dir + ": is a directory; give a job file "
        + "such as jobs/quickstart.yaml");
    assertError("", List.of(), f() + ": is empty; a job file is a YAML map of settings (name: ..., model: ..., ...)");
  }

  @Test
  void nonFiniteNumbersAreNotFiniteWithTheAllowedRange() throws Exception {
    // were "not valid YAML" (Jackson 2.15 cannot read .nan / .inf)
    assertError(BASE + "lr: {schedule: constant, initial: .nan}\n", List.of(), f() + ": lr: constant: parameter "
        + "initial is NaN, not a finite number; allowed: a finite number > 0");
    assertError(BASE, List.of("lr.initial=.nan"), f() + ": lr: constant: parameter initial is NaN, not a finite "
        + "number; allowed: a finite number > 0");
    assertError(BASE, List.of("weight_decay=-.inf"), f() + ": weight_decay: is -Infinity, not a finite number; "
        + "allowed: a number in [0.0, 1000000.0]");
    assertError(BASE, List.of("momentum.beta=.Inf"), f() + ": momentum.beta: is Infinity, not a finite number; "
        + "allowed: a number in [0.0, 0.999999]");
    // a learning rate is > 0 (was: "a number in [-1.7976931348623157E308, 1.7976931348623157E308]")
    assertError(BASE, List.of("lr={schedule: step, initial: .NaN}"), f() + ": lr: step: parameter initial is "
        + "NaN, not a finite number; allowed: a finite number > 0");
    assertError(BASE, List.of("lr=-0.5"), f() + ": lr: constant: parameter initial is -0.5; allowed: a finite "
        + "number > 0");
  }

  @Test
  void whatWouldSilentlyDifferFromTheTextIsRefused() throws Exception {
    // Jackson reads an alias as its anchor's name: name: *x would be the job "x"
    assertError(BASE.replace("name: t", "name: &x t") + "seed: *x\n", List.of(), f() + ": seed: is the YAML alias "
        + "*x; aliases are not supported: write the value out (line 7)");
    assertError(BASE + "---\nname: u\n", List.of(), f() + ": holds a second YAML document (from line 8); a job is "
        + "one document: remove the '---' before it");
    assertError(BASE + "seed: !!binary aGVsbG8=\n", List.of(), f() + ": seed: is binary data; allowed: numbers, "
        + "text, true or false, lists and maps (line 7)");
    // the name names the output directory: runs/../../x would write outside runs/
    assertError(BASE.replace("name: t", "name: ../../x"), List.of(), f() + ": name: is ../../x; allowed: text of "
        + "letters, digits, '.', '_' and '-', starting with a letter or digit, at most 100 characters (quote a "
        + "number: '2024')");
    assertError(BASE + "checkpoint_dir: 5\n", List.of(), f() + ": checkpoint_dir: is 5; allowed: text");
    assertError(BASE.replace("attack: omniscient", "attack: ''"), List.of(), f() + ": attack: is ''; allowed: a "
        + "name, or a map with a name and parameters, e.g. {name: none}");
  }
}
