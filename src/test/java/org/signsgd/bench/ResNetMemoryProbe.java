package org.signsgd.bench;

import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.factory.Nd4j;
import org.signsgd.data.Shards;
import org.signsgd.model.GraphModel;

/**
 * Not a test: a tool that prints what one thread holds for a ResNet gradient at 224 px (Java heap used and
 * committed after System.gc(); the process's resident bytes, JavaCPP's physicalBytes; and the sizes of this
 * thread's ND4J workspaces, where DL4J keeps activations), before and after gradients at the given batches, with
 * each gradient's wall time. JavaCPP's totalBytes stays near 0: ND4J 1.0.0-M2.1 does not allocate its arrays
 * through JavaCPP's counted deallocators, so resident bytes minus committed heap is the off-heap figure. Run with
 * OMP_NUM_THREADS=1 and a large -Xmx (a ResNet-50 gradient at batch 32 uses 3.7 GB of heap), e.g.
 * {@code mvn -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt},
 * then {@code java -Xmx10g -cp target/classes:target/test-classes:$(cat target/test-classpath.txt)
 * org.signsgd.bench.ResNetMemoryProbe resnet50 gemm 4 16} (with Spark's Java 17 flags, submit/java17-flags).
 */
public final class ResNetMemoryProbe {
  private ResNetMemoryProbe() {}

  public static void main(String[] args) {
    String net = args[0];
    boolean gemm = args[1].equals("gemm");
    report("start");
    GraphModel m = new GraphModel(net, 1000, 224, DataType.FLOAT, gemm, new SyntheticImages(224, 1000, 64),
        Shards.shared(64, 27, 1), 1, false);
    float[] x = m.initialParameters();
    float[] g = new float[m.dimension()];
    System.out.printf("d = %d%n", m.dimension());
    report("x, gradient and initialParameters' network built (that network is garbage now)");
    long t = 0;
    for (int a = 2; a < args.length; a++) {
      int batch = Integer.parseInt(args[a]);
      for (int rep = 0; rep < 2; rep++) {
        long t0 = System.nanoTime();
        m.stochasticGradient(x, batch, t++, 0, g);
        System.out.printf("gradient %s batch %d (%s): %.1f s%n", net, batch, rep == 0 ? "first" : "second",
            (System.nanoTime() - t0) / 1e9);
        report("after gradient batch " + batch + " #" + (rep + 1));
      }
    }
  }

  private static void report(String when) {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    Runtime r = Runtime.getRuntime();
    System.out.printf("%-75s heap used %7.1f MB, committed %7.1f MB | javacpp totalBytes %7.1f MB, physicalBytes"
        + " (RSS) %7.1f MB%n", when, (r.totalMemory() - r.freeMemory()) / 1e6, r.totalMemory() / 1e6,
        Pointer.totalBytes() / 1e6, Pointer.physicalBytes() / 1e6);
    long ws = 0;
    for (MemoryWorkspace w : Nd4j.getWorkspaceManager().getAllWorkspacesForCurrentThread()) {
      System.out.printf("    workspace %-40s current size %8.1f MB%n", w.getId(), w.getCurrentSize() / 1e6);
      ws += w.getCurrentSize();
    }
    System.out.printf("    workspaces in all %8.1f MB%n", ws / 1e6);
  }
}
