package org.signsgd.aggregate;

import java.io.Serializable;
import org.signsgd.optim.Update;
import org.signsgd.vote.SignVector;

/**
 * What the driver sends down each iteration: the packed vote for sign rules (1 bit per parameter, Algorithm 1
 * of seeds 001/004: "push sign(V) to workers"), a dense vector for dense rules. Never the parameters.
 */
public sealed interface Direction extends Serializable {
  int dimension();

  /** Bytes on the downlink. */
  long wireBytes();

  /** x ← x − η (this + λ x) ({@link Update}). */
  void applyTo(float[] x, double lr, double lambda);

  /** The direction as floats (metrics, tests; not the hot path of sign rules). */
  float[] toFloats();

  /** A sign direction. */
  record Signs(SignVector signs) implements Direction {
    @Override
    public int dimension() {
      return signs.dimension();
    }

    @Override
    public long wireBytes() {
      return signs.wireBytes();
    }

    @Override
    public void applyTo(float[] x, double lr, double lambda) {
      if (x.length != signs.dimension()) {
        throw new IllegalArgumentException("update: direction has d=" + signs.dimension() + "; expected d="
            + x.length + " like the parameters");
      }
      Update.signs(x, signs::negativeWord, signs::zeroWord, lr, lambda);
    }

    @Override
    public float[] toFloats() {
      return signs.toFloats();
    }
  }

  /** A dense direction; the array is owned by the direction and MUST NOT be modified. */
  record Dense(float[] values) implements Direction {
    @Override
    public int dimension() {
      return values.length;
    }

    @Override
    public long wireBytes() {
      return 16L + 4L * values.length;
    }

    @Override
    public void applyTo(float[] x, double lr, double lambda) {
      Update.dense(x, values, lr, lambda);
    }

    @Override
    public float[] toFloats() {
      return values.clone();
    }
  }
}
