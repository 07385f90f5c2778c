package org.signsgd.vote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.signsgd.rng.SeedStreams;

class SignVectorTest {
  @Test
  void packsNegativesAsOneBitsAndZerosInASecondPlaneOnlyWhenPresent() {
    SignVector s = SignVector.pack(new float[] {0.5f, -1f, 0f, 2f, -0f, Float.NaN}, TieRule.ZERO, null);
    assertThat(s.toSigns()).containsExactly(1, -1, 0, 1, 0, 0);
    assertThat(s.negativeWord(0)).isEqualTo(0b000010L);
    assertThat(s.zeroWord(0)).isEqualTo(0b110100L);
    assertThat(s.hasZeros()).isTrue();

    SignVector noZeros = SignVector.pack(new float[] {0.5f, -1f, 3f}, TieRule.ZERO, null);
    assertThat(noZeros.hasZeros()).isFalse();
    assertThat(noZeros.zeroWord(0)).isZero();
  }

  @Test
  void plusSendsZeroAsPlusOneAndRandomDrawsFromTheStream() {
    float[] v = new float[200];
    assertThat(SignVector.pack(v, TieRule.PLUS, null)).isEqualTo(SignVector.allPositive(200));
    SignVector a = SignVector.pack(v, TieRule.RANDOM, SeedStreams.of(3, 1, 2, SeedStreams.Purpose.TIE));
    SignVector b = SignVector.pack(v, TieRule.RANDOM, SeedStreams.of(3, 1, 2, SeedStreams.Purpose.TIE));
    assertThat(a).isEqualTo(b);
    assertThat(a.hasZeros()).isFalse();
    int minus = 200 - a.agreements(SignVector.allPositive(200));
    assertThat(minus).isBetween(60, 140); // Bin(200, 1/2): ±5.6 sd
  }

  @Test
  void tailBitsPastDAreZeroAndBytesAreCeilDOver8PlusHeader() {
    float[] v = new float[70];
    java.util.Arrays.fill(v, -1f);
    SignVector s = SignVector.pack(v, TieRule.ZERO, null);
    assertThat(s.wordCount()).isEqualTo(2);
    assertThat(s.negativeWord(1)).isEqualTo(0b111111L);
    assertThat(s.negate().negativeWord(1)).isZero();
    assertThat(s.negate()).isEqualTo(SignVector.allPositive(70));
    assertThat(s.wireBytes()).isEqualTo(SignVector.HEADER_BYTES + 9);
    assertThat(SignVector.allZero(70).wireBytes()).isEqualTo(SignVector.HEADER_BYTES + 18);
    assertThat(SignVector.allZero(70).toSigns()).containsOnly(0);
  }

  @Test
  void negateKeepsZerosAndAgreementsCountEqualSigns() {
    SignVector s = SignVector.ofSigns(1, -1, 0, 1);
    assertThat(s.negate().toSigns()).containsExactly(-1, 1, 0, -1);
    assertThat(s.agreements(SignVector.ofSigns(1, 1, 0, -1))).isEqualTo(2);
  }

  @Test
  void badInputIsNamed() {
    assertThatThrownBy(() -> SignVector.ofSigns(1, 2))
        .hasMessage("sign at coordinate 1 is 2; allowed: -1, 0, +1");
    assertThatThrownBy(() -> SignVector.fromWords(3, new long[] {0b1000L}, null))
        .hasMessage("sign vector negative plane sets bits past d=3; allowed: tail bits 0");
    assertThatThrownBy(() -> SignVector.fromWords(3, new long[] {1L}, new long[] {1L}))
        .hasMessage("sign vector word 0 marks a coordinate both negative and zero; allowed: disjoint planes");
    assertThatThrownBy(() -> SignVector.fromWords(65, new long[] {1L}, null))
        .hasMessage("sign vector negative plane has 1 words; expected 2 for d=65");
    assertThatThrownBy(() -> SignVector.ofSigns(1).agreements(SignVector.ofSigns(1, 1)))
        .hasMessage("sign vectors of different dimension: 2 vs 1; allowed: equal dimensions");
  }
}
