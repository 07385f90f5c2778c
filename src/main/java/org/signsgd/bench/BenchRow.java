package org.signsgd.bench;

/**
 * One line of the bench table.
 *
 * @param section the {@link Bench} section that measured it, a–k ({@link Bench#SECTIONS})
 * @param what what was measured
 * @param value the measurement
 * @param unit its unit
 * @param ratio the ratio the target is about (NaN when none)
 * @param target the target, in words, and whether it is met ("" when none)
 */
public record BenchRow(String section, String what, double value, String unit, double ratio, String target) {}
