package org.signsgd.attack;

import java.util.List;
import org.signsgd.message.Message;

/**
 * An attack that searches its factor by trying the run's rule (optimal-alie, optimal-fall-of-empires,
 * bulyan-targeted), written so that the server can try it chunk by chunk of coordinates: its objective
 * ‖F(H ∪ {b(τ)}^B) − μ‖² is a sum over coordinates of the rule's output against the honest mean, so each candidate
 * τ is one run of the rule's passes over every chunk with the candidates of {@link #candidate}, each chunk giving
 * its part of the objective ({@link #objective}); the driver adds them in chunk order, and the search proposes the
 * next τ from the values so far ({@link #proposal}). After every evaluation the chunks forge with {@link #found}'s
 * factor.
 */
public interface SearchingAttack {
  /** How many candidates the search evaluates (all of them, always). */
  int evaluations();

  /**
   * Every Byzantine worker's message over one chunk at factor τ (the same vector for each, in the order of
   * {@code view.own()}): the chunk's coordinates lie at {@code from} onwards in d = {@code dimension}.
   */
  List<Message> candidate(AttackView view, int from, int dimension, double tau);

  /** The chunk's part of the objective: Σ over its coordinates of (F_k − μ_k)², F the rule's output there. */
  double objective(AttackView view, float[] aggregate);

  /** The factor the search tries next, after the objective's {@code values} so far (the first try: none). */
  double proposal(double[] values);

  /**
   * After every evaluation, the factor sent (the driver's instance records it and the budget spent:
   * {@link Attack#lastSearch}); {@code null} values: no Byzantine message to forge, nothing recorded.
   */
  double found(double[] values);
}
