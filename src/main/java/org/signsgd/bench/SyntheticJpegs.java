package org.signsgd.bench;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * An image folder of generated colour JPEGs for the bench (ROOT/train/cK/*.jpg and ROOT/val/cK/*.jpg): smooth
 * colour gradients and waves plus pixel noise, quality 90, so that a 500×375 file is about as large as an
 * average ImageNet JPEG and costs the decoder about as much.
 */
final class SyntheticJpegs {
  private SyntheticJpegs() {}

  /** Writes {@code perClass} images per class and split; returns the bytes of all files. */
  static long write(Path root, int classes, int perClass, int width, int height) throws IOException {
    long bytes = 0;
    SplittableRandom rng = new SplittableRandom(42);
    for (String split : new String[] {"train", "val"}) {
      for (int c = 0; c < classes; c++) {
        Path dir = root.resolve(split).resolve("c" + c);
        Files.createDirectories(dir);
        for (int i = 0; i < perClass; i++) {
          Path file = dir.resolve(String.format(Locale.ROOT, "%05d.jpg", i));
          encode(image(width, height, rng), file);
          bytes += Files.size(file);
        }
      }
    }
    return bytes;
  }

  static BufferedImage image(int width, int height, SplittableRandom rng) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    int[] px = new int[3 * width * height];
    double[] f = new double[9];
    for (int k = 0; k < f.length; k++) {
      f[k] = rng.nextDouble();
    }
    for (int r = 0; r < height; r++) {
      for (int c = 0; c < width; c++) {
        double u = (double) c / width;
        double v = (double) r / height;
        for (int ch = 0; ch < 3; ch++) {
          double s = 128 + 60 * Math.sin(2 * Math.PI * (f[ch] * 3 * u + f[ch + 3] * 2 * v) + f[ch + 6] * 6)
              + 40 * (u - v) * (ch - 1) + NOISE * rng.nextGaussian();
          px[(r * width + c) * 3 + ch] = (int) Math.max(0, Math.min(255, Math.round(s)));
        }
      }
    }
    img.getRaster().setPixels(0, 0, width, height, px);
    return img;
  }

  /** Pixel noise (standard deviation in 8-bit levels) that gives ImageNet-like file sizes at quality 90. */
  static final double NOISE = 24;

  private static void encode(BufferedImage img, Path file) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try (OutputStream os = Files.newOutputStream(file); ImageOutputStream out = ImageIO.createImageOutputStream(os)) {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(0.9f);
      writer.setOutput(out);
      writer.write(null, new IIOImage(img, null, null), param);
    } finally {
      writer.dispose();
    }
  }
}
