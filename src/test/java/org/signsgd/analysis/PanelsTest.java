package org.signsgd.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** A panel's title is cut to the panel's width in pixels, not to a count of characters. */
class PanelsTest {
  private static final Font BOLD = new Font(Font.SANS_SERIF, Font.BOLD, 12);

  private static int width(String s) {
    Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
    try {
      return g.getFontMetrics(BOLD).stringWidth(s);
    } finally {
      g.dispose();
    }
  }

  @Test
  void aTitleFitsThePlotsWidthWithTheLongestBeginningThatDoes() {
    int plot = PaperFigures.PLOT_WIDTH;
    String shortTitle = "signum: majority-vote";
    assertThat(Panels.fit(shortTitle, BOLD, plot)).isEqualTo(shortTitle);
    // a sweep's panel: far wider than the plot in any sans-serif font
    String title = "signum: majority-vote, byzantine-vote, lr.initial=0.001, momentum.beta=0.9, "
        + "momentum.dampening=0.9, weight_decay=0.0001, gradient_clip=1.0";
    assertThat(width(title)).isGreaterThan(plot);
    String fitted = Panels.fit(title, BOLD, plot);
    assertThat(fitted).endsWith("…").doesNotEndWith(",…").doesNotEndWith(" …");
    String kept = fitted.substring(0, fitted.length() - 1);
    assertThat(title).startsWith(kept);
    assertThat(width(fitted)).isLessThanOrEqualTo(plot);
    // one more character would not fit (where it is not a comma or space, which the cut drops)
    String next = title.substring(0, kept.length() + 1);
    if (!next.endsWith(",") && !next.endsWith(" ")) {
      assertThat(width(next + "…")).isGreaterThan(plot);
    }
  }

  @Test
  void aWidthTooSmallForTheEllipsisGivesNothingAndAnEmptyTitleStaysEmpty() {
    assertThat(Panels.fit("signum: majority-vote", BOLD, width("…"))).isEqualTo("…");
    assertThat(Panels.fit("signum: majority-vote", BOLD, width("…") - 1)).isEmpty();
    assertThat(Panels.fit("", BOLD, -1)).isEmpty();
    // a cut never ends on a comma: "a, b" at the width of "a,…" keeps "a…"
    assertThat(Panels.fit("a, bbbbbbbbbbbbbbbbbb", BOLD, width("a,…"))).isEqualTo("a…");
  }
}
