package org.signsgd.analysis;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * A figure of several XChart charts in a grid, under one title and the run settings as a subtitle: the layout
 * of the papers' multi-panel figures (one panel per algorithm).
 */
final class Panels {
  static final int MAX_PANELS = 12;
  private static final int TITLE_FONT = 20;
  private static final int SUBTITLE_FONT = 13;

  private Panels() {}

  /**
   * The PNG bytes of {@code charts} laid out {@code columns} wide, each panel {@code w} × {@code h} pixels; the
   * image is wider than the panels only when the title needs it.
   */
  static byte[] png(String title, String subtitle, List<? extends Chart<?, ?>> charts, int columns, int w, int h)
      throws IOException {
    int cols = Math.max(1, Math.min(columns, charts.size()));
    int rows = (charts.size() + cols - 1) / cols;
    // wide enough for the title when there are few panels
    int width = Math.max(cols * w, textWidth(title, new Font(Font.SANS_SERIF, Font.BOLD, TITLE_FONT)) + 40);
    List<String> sub = wrap(subtitle, width - 40, SUBTITLE_FONT);
    int header = 16 + TITLE_FONT + 8 + sub.size() * (SUBTITLE_FONT + 5) + 8;
    BufferedImage image = new BufferedImage(width, header + rows * h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, TITLE_FONT));
      int y = 16 + TITLE_FONT;
      g.drawString(title, 20, y);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, SUBTITLE_FONT));
      g.setColor(Color.DARK_GRAY);
      y += 8;
      for (String line : sub) {
        y += SUBTITLE_FONT + 5;
        g.drawString(line, 20, y);
      }
      for (int i = 0; i < charts.size(); i++) {
        Graphics2D panel = (Graphics2D) g.create((i % cols) * w, header + (i / cols) * h, w, h);
        try {
          charts.get(i).paint(panel, w, h);
        } finally {
          panel.dispose();
        }
      }
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(image, "png", bytes);
    return bytes.toByteArray();
  }

  /**
   * {@code text}, or its longest beginning with "…" after it (less a trailing comma or space), that is at most
   * {@code width} pixels wide in {@code font}; empty when not even "…" fits.
   */
  static String fit(String text, Font font, int width) {
    Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
    try {
      FontMetrics fm = g.getFontMetrics(font);
      if (fm.stringWidth(text) <= width) {
        return text;
      }
      for (int n = text.length() - 1; n > 0; n--) {
        if (Character.isLowSurrogate(text.charAt(n))) {
          continue; // never split a pair
        }
        String kept = text.substring(0, n).replaceAll("[,\\s]+$", "") + "…";
        if (fm.stringWidth(kept) <= width) {
          return kept;
        }
      }
      return fm.stringWidth("…") <= width ? "…" : "";
    } finally {
      g.dispose();
    }
  }

  private static int textWidth(String text, Font font) {
    Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
    try {
      return g.getFontMetrics(font).stringWidth(text);
    } finally {
      g.dispose();
    }
  }

  /** Splits {@code text} at ", " into lines at most {@code width} pixels wide. */
  private static List<String> wrap(String text, int width, int size) {
    Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
    FontMetrics fm = g.getFontMetrics(new Font(Font.SANS_SERIF, Font.PLAIN, size));
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String part : text.split(", ")) {
      String next = line.isEmpty() ? part : line + ", " + part;
      if (!line.isEmpty() && fm.stringWidth(next) > width) {
        lines.add(line + ",");
        line = new StringBuilder(part);
      } else {
        line = new StringBuilder(next);
      }
    }
    if (!line.isEmpty()) {
      lines.add(line.toString());
    }
    g.dispose();
    return lines;
  }
}
