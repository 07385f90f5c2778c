package org.signsgd.vote;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What sign(0) is, on the uplink (a worker's zero coordinate) and on the downlink (a vote that ties).
 * The papers' pseudocode (Bernstein et al. 2019, Algorithm 1; Mengoli et al. 2025, Algorithm 1) leaves sign(0)
 * undefined; {@link #ZERO}, what torch.sign does in Akoun and Meyer's and Park and Lee's code, is the default.
 */
public enum TieRule {
  /** sign(0) = 0: the coordinate abstains / does not move (PyTorch {@code torch.sign}; seed 001 and 002 code). */
  ZERO,
  /** sign(0) = +1: truly one bit each way (Bernstein et al. 2019's 1-bit codec sends bit 1 iff value &lt; 0). */
  PLUS,
  /** sign(0) = a fair coin from the caller's seeded stream. */
  RANDOM;

  /** The kebab-case name used in job files. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code zero}, {@code plus} or {@code random}; anything else is a one-line error listing those. */
  public static TieRule parse(String name) {
    for (TieRule rule : values()) {
      if (rule.label().equals(name)) {
        return rule;
      }
    }
    throw new IllegalArgumentException("tie rule '" + name + "' is unknown; allowed: "
        + Arrays.stream(values()).map(TieRule::label).collect(Collectors.joining(", ")));
  }
}
