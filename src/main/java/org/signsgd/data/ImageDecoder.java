package org.signsgd.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes one JPEG or PNG file into RGB planes in [0, 1] with {@code javax.imageio}: PNG by the JDK's reader,
 * JPEG by TwelveMonkeys' reader (registered here explicitly, so an executor whose class loader ImageIO did not
 * scan still has it), which also decodes CMYK and YCCK JPEGs and converts them to RGB. Pixels are read from the
 * raster in one call, never pixel by pixel through {@code getRGB}: RGB samples as they are (an embedded colour
 * profile is not applied, as PIL's {@code convert("RGB")} in torchvision's loader does not apply it), a grey
 * image as three equal channels, a palette through its colour table, alpha dropped; samples are divided by
 * their maximum (255 for 8 bits). Anything else (CMYK left unconverted, other colour spaces) is converted to
 * sRGB first. A file that no reader accepts, or whose reader fails, is an {@link IOException}; so is a JPEG
 * whose data ends early, which the decoders fill with grey after a warning ("Truncated File - Missing EOI
 * marker", "Corrupt JPEG data: premature end of data segment"; PIL refuses such a file: "image file is
 * truncated"). Other warnings (extraneous bytes before a marker, a CMYK JPEG without a colour profile) leave the
 * image as decoded, as PIL does.
 */
final class ImageDecoder {
  static {
    ImageIO.setUseCache(false); // decode in memory, never through temporary files
    IIORegistry.getDefaultInstance()
        .registerServiceProvider(new com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi());
  }

  /**
   * The most pixels an image may declare: PIL's decompression-bomb error threshold (2 × 89,478,485). A header
   * above it is counted as undecodable, like a truncated file, instead of exhausting the executor's memory.
   */
  static final long MAX_PIXELS = 2L * 89_478_485;

  private ImageDecoder() {}

  /** The image's planes, R then G then B, each height × width, row-major. */
  record Rgb(int height, int width, float[] planes) {}

  static Rgb decode(byte[] bytes) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new IOException("not a JPEG or PNG image");
      }
      ImageReader reader = readers.next();
      List<String> warnings = new ArrayList<>();
      reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
      try {
        reader.setInput(in, true, true);
        long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
        if (pixels > MAX_PIXELS) { // a corrupt or hostile header: refuse it before allocating, as PIL does
          throw new IOException(reader.getWidth(0) + " x " + reader.getHeight(0) + " pixels, over the limit of "
              + MAX_PIXELS);
        }
        BufferedImage image = reader.read(0);
        for (String warning : warnings) {
          String w = warning.toLowerCase(java.util.Locale.ROOT);
          if (w.contains("truncated") || w.contains("premature end")) {
            throw new IOException(warning);
          }
        }
        return pixels(image);
      } catch (RuntimeException e) { // readers throw unchecked exceptions on some corrupt streams
        throw new IOException(e.toString(), e);
      } finally {
        reader.dispose();
      }
    }
  }

  static Rgb pixels(BufferedImage image) {
    ColorModel cm = image.getColorModel();
    int type = cm.getColorSpace().getType();
    boolean rgb = type == ColorSpace.TYPE_RGB && cm.getNumColorComponents() == 3;
    boolean grey = type == ColorSpace.TYPE_GRAY && cm.getNumColorComponents() == 1;
    if (!(cm instanceof IndexColorModel) && !rgb && !grey) {
      BufferedImage converted = new BufferedImage(image.getWidth(), image.getHeight(),
          BufferedImage.TYPE_3BYTE_BGR);
      new ColorConvertOp(null).filter(image, converted);
      return pixels(converted);
    }
    Raster raster = image.getRaster();
    int h = raster.getHeight();
    int w = raster.getWidth();
    int bands = raster.getNumBands();
    int[] samples = raster.getPixels(raster.getMinX(), raster.getMinY(), w, h, (int[]) null);
    int n = h * w;
    float[] planes = new float[3 * n];
    if (cm instanceof IndexColorModel palette) {
      for (int k = 0; k < n; k++) {
        int index = samples[k * bands];
        planes[k] = palette.getRed(index) / 255f;
        planes[n + k] = palette.getGreen(index) / 255f;
        planes[2 * n + k] = palette.getBlue(index) / 255f;
      }
      return new Rgb(h, w, planes);
    }
    for (int c = 0; c < 3; c++) {
      int band = grey ? 0 : c;
      float max = (float) ((1L << cm.getComponentSize(band)) - 1);
      for (int k = 0; k < n; k++) {
        planes[c * n + k] = samples[k * bands + band] / max;
      }
    }
    return new Rgb(h, w, planes);
  }
}
