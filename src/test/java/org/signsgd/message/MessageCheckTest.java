package org.signsgd.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.signsgd.vote.SignVector;

class MessageCheckTest {
  @Test
  void malformedSignMessagesBecomeAbstentions() {
    List<Message> in = List.of(new SignMessage(0, SignVector.ofSigns(1, -1, 1)),
        new SignMessage(1, SignVector.ofSigns(1, -1)), new DenseMessage(2, new float[] {1, 2, 3}));
    MessageCheck.Checked c = MessageCheck.check(in, MessageKind.SIGN, 3);
    assertThat(c.malformed()).isEqualTo(2);
    assertThat(c.messages()).hasSize(3);
    assertThat(((SignMessage) c.messages().get(1)).signs()).isEqualTo(SignVector.allZero(3));
    assertThat(c.messages().get(2).worker()).isEqualTo(2);
  }

  @Test
  void malformedDenseMessagesAreDropped() {
    List<Message> in = List.of(new DenseMessage(0, new float[] {1, 2}), new DenseMessage(1, new float[] {Float.NaN, 0}),
        new DenseMessage(2, new float[] {1, Float.POSITIVE_INFINITY}), new DenseMessage(3, new float[] {1}));
    MessageCheck.Checked c = MessageCheck.check(in, MessageKind.DENSE, 2);
    assertThat(c.malformed()).isEqualTo(3);
    assertThat(c.messages()).extracting(Message::worker).containsExactly(0);
  }

  @Test
  void wireBytesOfASignMessageAreCeilDOver8PlusAHeaderUnder64() {
    int d = 1_199_882;
    float[] v = new float[d];
    java.util.Arrays.fill(v, 1f);
    SignMessage m = new SignMessage(0, SignVector.pack(v, org.signsgd.vote.TieRule.ZERO, null));
    assertThat(m.wireBytes() - (d + 7) / 8).isBetween(1L, 64L);
    assertThat(new DenseMessage(0, v).wireBytes()).isEqualTo(16 + 4L * d);
  }
}
