package org.signsgd.theory;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The papers' chain of bounds, P_&lt; ≤ P_≤ ≤ Cantelli ≤ AM-GM, wherever α &lt; 1 − 1/(2p) (and Hp &gt; Q/2). */
class VoteFailureProperties {
  record Case(int q, int b, double p) {}

  @Provide
  Arbitrary<Case> tolerated() {
    return Combinators.combine(Arbitraries.integers().between(1, 301), Arbitraries.doubles().between(0.5, 0.9999).ofScale(6),
        Arbitraries.doubles().between(0, 1).ofScale(6)).as(VoteFailureProperties::inside)
        .filter(c -> c != null);
  }

  /** A uniform B among those with B &lt; (2p − 1)(Q − B) and Hp &gt; Q/2, or null when there is none. */
  static Case inside(int q, double p, double u) {
    int count = 0;
    while (count < q && count < (2 * p - 1) * (q - count) && (q - count) * p > q / 2.0) {
      count++;
    }
    return count == 0 ? null : new Case(q, Math.min(count - 1, (int) (u * count)), p);
  }

  @Property(tries = 1000, seed = "12")
  boolean ladderHolds(@ForAll("tolerated") Case c) {
    VoteFailure.Ladder l = VoteFailure.ladder(c.q(), c.b(), c.p());
    double slack = 1e-12;
    return l.exactStrict() <= l.exactWithTies() + slack && l.exactWithTies() <= l.cantelli() + slack
        && l.cantelli() <= l.amGm() + slack;
  }
}
