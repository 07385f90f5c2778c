package org.signsgd.model.conv;

import java.util.Arrays;
import java.util.Map;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.AlgoMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdDataAlgo;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdFilterAlgo;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.FwdAlgo;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionHelper;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A 2-D convolution (NCHW, dilation 1, explicit padding) as one BLAS gemm per image over the {@link Im2Col}
 * layout, for float and double: z_b = W·col(x_b) + b, ∂W = Σ_b δ_b·col(x_b)ᵀ, ∂b = Σ δ, ∂x_b = col⁻¹(Wᵀ·δ_b).
 * DL4J's own path builds one im2col array for the whole batch through a strided 6-d permute (about 45 % of a
 * mengoli-cnn gradient); here each image's columns are contiguous block copies into a buffer that stays in
 * cache, and the matrix products go to the same OpenBLAS. Deterministic: fixed loop order, one thread per call.
 *
 * <p>Covered, as the same function as DL4J's {@code ConvolutionLayer} from the same parameters: any kernel
 * (kh, kw), any strides, any symmetric padding, with {@link ConvolutionMode#Truncate} or {@link
 * ConvolutionMode#Strict} (output (h + 2p − k)/s + 1, rounded down), with or without a bias; height and width
 * are handled separately, though the tests compare square kernels with equal strides only. That includes every
 * convolution of ResNet-18/34/50 (He, Zhang, Ren &amp; Sun 2016, "Deep residual learning for image recognition",
 * table 1): the 7×7 stride-2 padding-3 stem, 3×3 stride 1 and 2 with padding 1, and the 1×1 stride-1 and
 * stride-2 (projection shortcut) convolutions, all without bias, each tested against DL4J's layer. Without a
 * bias DL4J hands the helper a zero placeholder of its default data type (not necessarily the layer's) for b and
 * for ∂b; this helper is told at construction that the layer has no bias, ignores both, and returns a gradient
 * with "W" only, as DL4J's own path does.
 *
 * <p>Returns null (DL4J's built-in path then runs) for {@link ConvolutionMode#Same}, dilation other than 1,
 * data types other than float and double, and layouts other than NCHW.
 */
final class GemmConvolutionHelper implements ConvolutionHelper {
  private float[] colF = new float[0];
  private double[] colD = new double[0];
  private float[] inF = new float[0];
  private double[] inD = new double[0];
  private float[] dxF = new float[0];
  private double[] dxD = new double[0];
  private INDArray colNative;
  private final boolean hasBias;
  private long forwards;
  private long backwards;

  /** @param hasBias whether the layer has a bias parameter ({@code hasBias(false)} on the builder: it has not) */
  GemmConvolutionHelper(boolean hasBias) {
    this.hasBias = hasBias;
  }

  @Override
  public boolean checkSupported() {
    return true;
  }

  @Override
  public Map<String, Long> helperMemoryUse() {
    return Map.of();
  }

  private static boolean supported(INDArray input, int[] dilation, CNN2DFormat format) {
    DataType t = input.dataType();
    return (t == DataType.FLOAT || t == DataType.DOUBLE) && input.rank() == 4 && format == CNN2DFormat.NCHW
        && dilation[0] == 1 && dilation[1] == 1;
  }

  /** Explicit padding with DL4J's rounded-down output size; Same (and anything else) is left to DL4J. */
  private static boolean supported(ConvolutionMode mode) {
    return mode == ConvolutionMode.Truncate || mode == ConvolutionMode.Strict;
  }

  @Override
  public INDArray preOutput(INDArray input, INDArray weights, INDArray bias, int[] kernel, int[] strides,
      int[] pad, AlgoMode mode, FwdAlgo fwdAlgo, ConvolutionMode convolutionMode, int[] dilation,
      CNN2DFormat format, LayerWorkspaceMgr mgr) {
    if (!supported(input, dilation, format) || !supported(convolutionMode)) {
      return null;
    }
    Im2Col.Shape s = shape(input, kernel, strides, pad);
    int batch = (int) input.size(0);
    int out = (int) weights.size(0);
    INDArray w2d = weights.reshape('c', out, s.rows());
    INDArray z = mgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(),
        new long[] {batch, out, s.outHeight(), s.outWidth()}, 'c');
    Image x = read(input);
    for (int b = 0; b < batch; b++) {
      columns(x, b, s);
      Nd4j.gemm(w2d, colNative, z.slice(b).reshape('c', out, s.columns()), false, false, 1.0, 0.0);
    }
    if (hasBias) {
      Nd4j.getExecutioner().exec(new BroadcastAddOp(z, bias.reshape(out), z, 1));
    }
    forwards++;
    return z;
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray weights, INDArray bias,
      INDArray delta, int[] kernel, int[] strides, int[] pad, INDArray biasGradView, INDArray weightGradView,
      IActivation afn, AlgoMode mode, BwdFilterAlgo bwdFilterAlgo, BwdDataAlgo bwdDataAlgo,
      ConvolutionMode convolutionMode, int[] dilation, CNN2DFormat format, LayerWorkspaceMgr mgr) {
    if (!supported(input, dilation, format) || !supported(convolutionMode)) {
      return null;
    }
    Im2Col.Shape s = shape(input, kernel, strides, pad);
    int batch = (int) input.size(0);
    int out = (int) weights.size(0);
    DataType type = input.dataType();
    INDArray w2d = weights.reshape('c', out, s.rows());
    INDArray d = isDense(delta) ? delta : delta.dup('c');
    INDArray dw = Nd4j.createUninitializedDetached(type, out, s.rows());
    INDArray dcol = Nd4j.createUninitializedDetached(type, s.rows(), s.columns());
    int image = s.channels() * s.height() * s.width();
    growDx(type, batch * image);
    Image x = read(input);
    for (int b = 0; b < batch; b++) {
      INDArray db = d.slice(b).reshape('c', out, s.columns());
      columns(x, b, s);
      Nd4j.gemm(db, colNative, dw, false, true, 1.0, b == 0 ? 0.0 : 1.0);
      Nd4j.gemm(w2d, db, dcol, true, false, 1.0, 0.0);
      if (type == DataType.FLOAT) {
        new FloatPointer(dcol.data().addressPointer()).get(colF, 0, s.rows() * s.columns());
        Im2Col.accumulate(colF, s, dxF, b * image);
      } else {
        new DoublePointer(dcol.data().addressPointer()).get(colD, 0, s.rows() * s.columns());
        Im2Col.accumulate(colD, s, dxD, b * image);
      }
    }
    weightGradView.assign(dw.reshape(weightGradView.shape()));
    INDArray eps = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, type, input.shape(), 'c');
    if (type == DataType.FLOAT) {
      new FloatPointer(eps.data().addressPointer()).put(dxF, 0, batch * image);
    } else {
      new DoublePointer(eps.data().addressPointer()).put(dxD, 0, batch * image);
    }
    Gradient g = new DefaultGradient();
    if (hasBias) {
      biasGradView.assign(d.sum(0, 2, 3).reshape(biasGradView.shape()));
      g.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGradView);
    }
    g.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGradView, 'c');
    backwards++;
    return new Pair<>(g, eps);
  }

  /** Forward passes this helper computed (not counting those it left to DL4J by returning null). */
  long forwards() {
    return forwards;
  }

  /** Backward passes this helper computed. */
  long backwards() {
    return backwards;
  }

  @Override
  public INDArray activate(INDArray z, IActivation afn, boolean training) {
    return afn.getActivation(z, training);
  }

  private static Im2Col.Shape shape(INDArray input, int[] kernel, int[] strides, int[] pad) {
    return new Im2Col.Shape((int) input.size(1), (int) input.size(2), (int) input.size(3), kernel[0], kernel[1],
        strides[0], strides[1], pad[0], pad[1]);
  }

  /** The input, copied to the heap in its own layout: image b starts at b·sb, channel c at c·sc, row y at y·sy. */
  private record Image(DataType type, int sb, int sc, int sy) {}

  private Image read(INDArray input) {
    INDArray a = isDense(input) ? input : input.dup('c');
    long[] st = a.stride();
    long span = 1;
    for (int k = 0; k < 4; k++) {
      span += (a.size(k) - 1) * st[k];
    }
    int n = Math.toIntExact(span);
    if (a.dataType() == DataType.FLOAT) {
      inF = inF.length >= n ? inF : new float[n];
      new FloatPointer(a.data().addressPointer()).get(inF, 0, n);
    } else {
      inD = inD.length >= n ? inD : new double[n];
      new DoublePointer(a.data().addressPointer()).get(inD, 0, n);
    }
    return new Image(a.dataType(), (int) st[0], (int) st[1], (int) st[2]);
  }

  /** Image b's columns into the native buffer {@link #colNative} (via the heap buffer colF or colD). */
  private void columns(Image x, int b, Im2Col.Shape s) {
    int n = s.rows() * s.columns();
    if (colNative == null || colNative.dataType() != x.type() || colNative.size(0) != s.rows()
        || colNative.size(1) != s.columns()) {
      colNative = Nd4j.createUninitializedDetached(x.type(), s.rows(), s.columns());
    }
    if (x.type() == DataType.FLOAT) {
      colF = colF.length >= n ? colF : new float[n];
      Im2Col.expand(inF, b * x.sb(), x.sc(), x.sy(), s, colF);
      new FloatPointer(colNative.data().addressPointer()).put(colF, 0, n);
    } else {
      colD = colD.length >= n ? colD : new double[n];
      Im2Col.expand(inD, b * x.sb(), x.sc(), x.sy(), s, colD);
      new DoublePointer(colNative.data().addressPointer()).put(colD, 0, n);
    }
  }

  /** Positive strides with the innermost 1: read in place, whatever the order of the outer three. */
  private static boolean isDense(INDArray a) {
    long[] st = a.stride();
    if (st[3] != 1) {
      return false;
    }
    for (long v : st) {
      if (v <= 0) {
        return false;
      }
    }
    return true;
  }

  private void growDx(DataType type, int n) {
    if (type == DataType.FLOAT) {
      dxF = dxF.length >= n ? dxF : new float[n];
      Arrays.fill(dxF, 0, n, 0f);
    } else {
      dxD = dxD.length >= n ? dxD : new double[n];
      Arrays.fill(dxD, 0, n, 0d);
    }
  }
}
