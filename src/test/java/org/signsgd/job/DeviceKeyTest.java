package org.signsgd.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code device: cpu | gpu}: where the tasks run the workers' gradients. {@code cpu} keeps the run id of a job
 * without the key (every run recorded before the key existed); {@code gpu} is a run of its own, since a GPU's
 * arithmetic (cuDNN, CUDA's reductions) is not the CPU's bit for bit. It is recorded in the effective settings only
 * as {@code gpu}, and its bad values are one line.
 */
class DeviceKeyTest {
  @TempDir
  Path dir;

  private JobSpec load(String yaml, String... overrides) throws Exception {
    Path f = Files.writeString(dir.resolve("job.yaml"), yaml);
    return JobFile.load(f, List.of(overrides)).get(0);
  }

  @Test
  void cpuKeepsTheRunIdAndTheDefaultSettingsAndGpuIsARunOfItsOwn() throws Exception {
    // EffectiveSettingsTest's base job, whose id is pinned there
    String base = "name: t\nmodel: {name: quadratic, dim: 10}\nworkers: 9\nbyzantine: 2\nattack: omniscient\n"
        + "iterations: 5\n";
    JobSpec none = load(base);
    JobSpec cpu = load(base + "device: cpu\n");
    JobSpec gpu = load(base, "device=gpu");
    assertThat(List.of(none.runId(), cpu.runId())).containsOnly("t-2ae8dea9");
    assertThat(gpu.runId()).startsWith("t-").isNotEqualTo("t-2ae8dea9");
    assertThat(List.of(none.device(), cpu.device(), gpu.device())).containsExactly("cpu", "cpu", "gpu");
    assertThat(List.of(none.gpu(), cpu.gpu(), gpu.gpu())).containsExactly(false, false, true);
    assertThat(cpu.json()).isEqualTo(none.json()).doesNotContain("device");
    assertThat(gpu.json()).isEqualTo(none.json().replace(",\"engine\":", ",\"device\":\"gpu\",\"engine\":"));
  }

  /** A grid over the device makes two runs, one per device. */
  @Test
  void aGridOverTheDeviceIsTwoRuns() throws Exception {
    Path job = Files.writeString(dir.resolve("grid.yaml"), "name: t\ngrid:\n  device: [gpu, cpu]\n");
    List<JobSpec> runs = JobFile.load(job, List.of());
    assertThat(runs).extracting(JobSpec::device).containsExactly("gpu", "cpu");
    assertThat(runs.get(0).runId()).isNotEqualTo(runs.get(1).runId());
  }

  @Test
  void theDeviceKeyTakesCpuOrGpu() throws Exception {
    Path job = Files.writeString(dir.resolve("bad.yaml"), "name: t\ndevice: gpus\n");
    assertThatThrownBy(() -> JobFile.load(job, List.of())).isInstanceOf(JobException.class)
        .hasMessage(job + ": device: is gpus (did you mean 'gpu'?); allowed: cpu, gpu");
    Path empty = Files.writeString(dir.resolve("empty.yaml"), "name: t\ndevice:\n");
    assertThatThrownBy(() -> JobFile.load(empty, List.of())).isInstanceOf(JobException.class)
        .hasMessage(empty + ": device: has no value (line 2); give one, or leave the key out to use the default "
            + "(cpu)");
  }
}
