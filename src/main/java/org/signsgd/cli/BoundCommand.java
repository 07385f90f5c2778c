package org.signsgd.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.DoubleSupplier;
import org.signsgd.theory.SignErrorBounds;
import org.signsgd.theory.VoteFailure;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bound --p P --workers Q (--byzantine B | --alpha A) [--snr S]}: the exact probability that the vote gets
 * a coordinate wrong under the strongest attack and the bounds on it from the proofs of Akoun and Meyer 2022
 * (Thm 2bis) and Mengoli et al. 2025 (Thm 3.7), with the per-worker sign-error lemmas when S is given, the
 * tolerance condition α &lt; 1 − 1/(2p) and which bounds are vacuous there ({@link VoteFailure},
 * {@link SignErrorBounds}).
 */
@Command(name = "bound", mixinStandardHelpOptions = true,
    description = "Prints the exact vote-failure probability under the strongest attack and the bounds on it "
        + "of Akoun and Meyer 2022 (Thm 2bis) and Mengoli et al. 2025 (Thm 3.7).")
public final class BoundCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--p", required = true, paramLabel = "P",
      description = "probability that an honest worker's sign is right, 0 < P <= 1")
  double p;

  @Option(names = "--workers", required = true, paramLabel = "Q", description = "workers, Q >= 1")
  int workers;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Byzantine byzantine;

  /** Exactly one of --byzantine and --alpha. */
  static final class Byzantine {
    @Option(names = "--byzantine", paramLabel = "B", description = "Byzantine workers, 0 <= B <= Q")
    Integer count;

    @Option(names = "--alpha", paramLabel = "A", description = "Byzantine fraction; B = round(A*Q)")
    Double fraction;
  }

  @Option(names = "--snr", paramLabel = "S",
      description = "|g|/sigma per coordinate: adds the bounds that need it and the per-worker sign-error bounds")
  Double snr;

  @Override
  public Integer call() {
    if (!(p > 0 && p <= 1)) {
      throw new IllegalArgumentException("--p " + p + "; allowed: 0 < P <= 1");
    }
    if (workers < 1) {
      throw new IllegalArgumentException("--workers " + workers + "; allowed: Q >= 1");
    }
    int b;
    if (byzantine.count != null) {
      b = byzantine.count;
    } else {
      if (!(byzantine.fraction >= 0 && byzantine.fraction <= 1)) {
        throw new IllegalArgumentException("--alpha " + byzantine.fraction + "; allowed: 0 <= A <= 1");
      }
      b = (int) Math.round(byzantine.fraction * workers);
    }
    if (b < 0 || b > workers) {
      throw new IllegalArgumentException("--byzantine " + b + " of --workers " + workers
          + "; allowed: 0 <= B <= Q");
    }
    if (snr != null && !(snr > 0 && Double.isFinite(snr))) {
      throw new IllegalArgumentException("--snr " + snr + "; allowed: S > 0");
    }
    double alpha = (double) b / workers;
    int h = workers - b;
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "vote failure under the strongest attack: Q=%d, B=%d (alpha=%.4f), H=%d honest, "
        + "p=%s%s%n", workers, b, alpha, h, p, snr == null ? "" : ", S=" + snr);
    double tolerated = VoteFailure.toleratedFraction(p);
    boolean tolerates = VoteFailure.tolerates(workers, b, p);
    out.printf(Locale.ROOT, "tolerance alpha < 1 - 1/(2p) = %.4f (B < (2p-1)H = %.4f): %s%n", tolerated,
        (2 * p - 1) * h, tolerates ? "holds" : "FAILS: every bound below is undefined or vacuous");
    out.printf(Locale.ROOT, "%-58s %12s  %s%n", "quantity", "value", "note");
    row(out, "exact P[G < Q/2] (a tie is no failure; Mengoli et al.)",
        () -> VoteFailure.exactStrict(workers, b, p), "what a simulation measures");
    row(out, "exact P[G <= Q/2] (a tie fails; Akoun and Meyer)",
        () -> VoteFailure.exactWithTies(workers, b, p), "");
    row(out, "Cantelli (both papers' proofs)", () -> VoteFailure.cantelli(workers, b, p), "");
    row(out, "AM-GM step", () -> VoteFailure.amGm(workers, b, p), "");
    row(out, "Akoun and Meyer next step (p(1-alpha) <= 1)",
        () -> VoteFailure.akounIntermediate(workers, alpha, p), "");
    if (snr != null) {
      row(out, "Akoun and Meyer final (Lemma 1bis)", () -> VoteFailure.akounFinal(workers, alpha, p, snr), "");
      row(out, "Mengoli et al. final, as printed", () -> VoteFailure.mengoliPrinted(workers, alpha, p, snr),
          "4x too small: Lemma 3.6 gives sqrt(p(1-p)) <= (2/S)(p-1/2)");
      row(out, "Mengoli et al. final, corrected", () -> VoteFailure.mengoliCorrected(workers, alpha, p, snr),
          "");
      out.printf(Locale.ROOT, "per-worker sign error P[sign(g~) != sign(g)] at S=%s:%n", snr);
      row(out, "  Bernstein et al. 2018, Lemma 1", () -> SignErrorBounds.bernsteinLemma1(snr), "");
      row(out, "  Akoun and Meyer, Lemma 1bis", () -> SignErrorBounds.akounLemma1bis(snr), "");
      row(out, "  Mengoli et al., Lemma 3.6", () -> SignErrorBounds.mengoliLemma36(snr), "");
      row(out, "  exact for Gaussian noise, Phi(-S)", () -> SignErrorBounds.gaussianExact(snr),
          "1 - p would be this for Gaussian noise");
    }
    out.flush();
    return 0;
  }

  /** One line: the value, or why there is none; a bound of 1 or more is marked vacuous. */
  private static void row(PrintWriter out, String name, DoubleSupplier value, String note) {
    String shown;
    String why = note;
    try {
      double v = value.getAsDouble();
      shown = String.format(Locale.ROOT, "%.7f", v);
      if (v >= 1 && !name.startsWith("exact")) {
        why = "vacuous (>= 1)" + (note.isEmpty() ? "" : "; " + note);
      }
    } catch (IllegalArgumentException e) {
      shown = "undefined";
      why = e.getMessage();
    }
    out.printf(Locale.ROOT, "%-58s %12s  %s%n", name, shown, why);
  }
}
