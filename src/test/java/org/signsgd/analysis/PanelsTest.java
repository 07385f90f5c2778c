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
  void aTitleFitsItsWidthWithTheLongestBeginningThatDoes() {
    String shortTitle = "signum: majority-vote";
    assertThat(Panels.fit(shortTitle, BOLD, 596)).isEqualTo(shortTitle);
    // the quickstart's panel: 90 characters, wider than 596 pixels in bold 12-point type
    String title = "signum: majority-vote, byzantine-vote, lr.initial=0.001, momentum.beta=0.9, momentum.dampen";
    assertThat(width(title)).isGreaterThan(596);
    String fitted = Panels.fit(title, BOLD, 596);
    assertThat(fitted).endsWith("…");
    String kept = fitted.substring(0, fitted.length() - 1);
    assertThat(title).startsWith(kept);
    assertThat(width(fitted)).isLessThanOrEqualTo(596);
    assertThat(width(title.substring(0, kept.length() + 1) + "…")).isGreaterThan(596); // one more would not fit
  }
}
