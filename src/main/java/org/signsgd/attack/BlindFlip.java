package org.signsgd.attack;

import java.util.List;
import org.signsgd.message.DenseMessage;
import org.signsgd.message.Message;
import org.signsgd.message.SignMessage;

/**
 * Blind inversion: each Byzantine worker sends −sign(v_m), the opposite of its own honest sign (after
 * momentum). Akoun and Meyer, arXiv 2202.02085, Def. 1; Bernstein et al. 2019's blind multiplicative adversary
 * with v_t = −1; Park and Lee 2024's sign inversion attack (SIA). For dense messages: −g_own (the reversed
 * gradient of Blades).
 */
public final class BlindFlip implements Attack {
  public static final String NAME = "blind-flip";
  /** Park and Lee 2024's name for the same rule (SIA; their code's {@code attack_method='det'}). */
  public static final String SIGN_INVERSION = "sign-inversion";
  private final AttackInfo info;

  public BlindFlip() {
    this(NAME);
  }

  public BlindFlip(String name) {
    this.info = AttackInfo.blindBoth(name);
  }

  @Override
  public AttackInfo info() {
    return info;
  }

  @Override
  public List<Message> forge(AttackView view) {
    return Forging.perWorker(view, (worker, k) -> {
      Message own = view.own().get(k);
      if (own instanceof SignMessage s) {
        return new SignMessage(worker, s.signs().negate());
      }
      return new DenseMessage(worker, Forging.negated(((DenseMessage) own).values()));
    });
  }
}
