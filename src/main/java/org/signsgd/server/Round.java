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
 * @param pass which pass of partial sums this is: first a {@link org.signsgd.attack.ChunkedAttack}'s passes (its
 *     {@code passes()}: the chunks forge), then a {@link org.signsgd.aggregate.ChunkedRule}'s (its {@code passes()}
 *     after the attack's: the finish); 0 when neither has passes
 * @param decided what the driver decided from the rule's previous pass's sums (null before the rule's first pass)
 * @param attackDecided what the driver decided from the attack's passes (null before them, and for other attacks)
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
