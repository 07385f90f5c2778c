package org.signsgd.server;

import java.io.Serializable;
import java.util.Set;

/**
 * One pass of the server over every chunk of iteration t. A message found malformed in any chunk is malformed
 * everywhere (a dense one is dropped, a sign one becomes an abstention), so the driver first runs the chunks
 * assuming every message is sound, and only when a chunk reports a malformed one runs them again knowing it:
 * {@code badUplinks} are the workers whose own message was malformed, {@code badForged} the Byzantine workers whose
 * forged message was.
 *
 * @param pass for a {@link org.signsgd.aggregate.ChunkedRule} or a chunk-stateful rule, which of its passes of
 *     partial sums this is (its {@code passes()}: the finish); 0 for other rules, and in a
 *     {@link org.signsgd.attack.ChunkedAttack}'s passes
 * @param decided what the driver decided from the rule's previous pass's sums (null before its first pass; a
 *     chunk-stateful rule starts from what it keeps on the driver)
 * @param attackDecided what the attack's chunks need: null, or a {@link org.signsgd.attack.ChunkedAttack}'s decision
 *     not yet {@code ready}, while that attack's passes of sums run; its ready decision once the chunks forge with
 *     it; for a {@link org.signsgd.attack.SearchingAttack}, {@code ServerStep.Trial} (the factor tried, and whether
 *     its candidates were left out) while the rule is tried, then {@code ServerStep.Found} (the factor sent); null
 *     for the other attacks
 * @param against when set, the direction the driver applied (after server momentum): the chunks then only count
 *     each received message's sign agreements with it, for the workers/ rows
 * @param sampled whether the honest workers' sampled gradients came with the messages (dense rules with worker
 *     momentum; not on the first iteration after a resume)
 */
public record Round(long iteration, Set<Integer> badUplinks, Set<Integer> badForged, boolean sampled, int pass,
    Serializable decided, Serializable attackDecided, org.signsgd.vote.SignVector against)
    implements Serializable {

  public Round {
    badUplinks = Set.copyOf(badUplinks);
    badForged = Set.copyOf(badForged);
  }
}
