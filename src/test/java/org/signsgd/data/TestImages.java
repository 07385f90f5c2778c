package org.signsgd.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/** Small images written at test time: grey and RGB PNGs, and a CMYK JPEG as Photoshop writes one. */
final class TestImages {
  private TestImages() {}

  /** An 8-bit grey PNG of {@code v[row][col]}. */
  static byte[] greyPng(int[][] v) {
    BufferedImage img = new BufferedImage(v[0].length, v.length, BufferedImage.TYPE_BYTE_GRAY);
    for (int r = 0; r < v.length; r++) {
      img.getRaster().setPixels(0, r, v[0].length, 1, v[r]);
    }
    return encode(img, "png");
  }

  /** An 8-bit RGB image of the three channel tables, as PNG or JPEG. */
  static byte[] rgb(int[][] red, int[][] green, int[][] blue, String format) {
    BufferedImage img = new BufferedImage(red[0].length, red.length, BufferedImage.TYPE_3BYTE_BGR);
    for (int r = 0; r < red.length; r++) {
      for (int c = 0; c < red[0].length; c++) {
        img.getRaster().setPixel(c, r, new int[] {red[r][c], green[r][c], blue[r][c]});
      }
    }
    return encode(img, format);
  }

  /** An RGB image of one colour. */
  static byte[] solid(int h, int w, int red, int green, int blue, String format) {
    return rgb(fill(h, w, red), fill(h, w, green), fill(h, w, blue), format);
  }

  static int[][] fill(int h, int w, int v) {
    int[][] t = new int[h][w];
    for (int[] row : t) {
      java.util.Arrays.fill(row, v);
    }
    return t;
  }

  private static byte[] encode(BufferedImage img, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(img, format, out)) {
        throw new IllegalStateException("no writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * A 16 × 16 CMYK JPEG whose quadrants are red (C=0, M=Y=100 %, K=0; top left), green (top right), black (K=100 %;
   * bottom left) and white (no ink), quality 1.0, with an Adobe APP14 marker saying "CMYK, no transform" and the
   * ink values stored inverted, as Photoshop stores them. Written by the JDK's JPEG writer from a 4-band raster.
   */
  static byte[] cmykJpeg() {
    int[][] inks = {{0, 255, 255, 0}, {255, 0, 255, 0}, {0, 0, 0, 255}, {0, 0, 0, 0}};
    WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16, 16, 4, null);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        int[] ink = inks[(y / 8) * 2 + x / 8];
        raster.setPixel(x, y, new int[] {255 - ink[0], 255 - ink[1], 255 - ink[2], 255 - ink[3]});
      }
    }
    ImageWriter writer = null;
    for (Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("jpeg"); it.hasNext(); ) {
      ImageWriter w = it.next();
      if (w.getClass().getName().startsWith("com.sun.imageio")) {
        writer = w;
      }
    }
    try {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(1f);
      ColorSpace cmyk = com.twelvemonkeys.imageio.color.ColorSpaces.getColorSpace(
          com.twelvemonkeys.imageio.color.ColorSpaces.CS_GENERIC_CMYK);
      IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createInterleaved(cmyk,
          new int[] {0, 1, 2, 3}, DataBuffer.TYPE_BYTE, false, false), param);
      String format = "javax_imageio_jpeg_image_1.0";
      IIOMetadataNode tree = (IIOMetadataNode) meta.getAsTree(format);
      ((IIOMetadataNode) tree.getElementsByTagName("app14Adobe").item(0)).setAttribute("transform", "0");
      meta.setFromTree(format, tree);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
        writer.setOutput(out);
        writer.write(null, new IIOImage(raster, null, meta), param);
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
  }

  static void write(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
