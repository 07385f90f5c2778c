package org.signsgd.train;

import org.signsgd.server.ServerStep;
import org.signsgd.vote.SignVector;

/** {@code aggregation: sharded}: the messages of the current iteration, cut into chunks and spread over the shards. */
public interface ShardedServer {
  /**
   * The name of the RDD whose job is one round of the shards: what Spark's UI shows for it, and how a listener
   * finds the rounds' jobs (the bench's section j times them).
   */
  String RDD_NAME = "server shards";

  /**
   * The runner over this iteration's chunks.
   *
   * @param reference the reference gradient, for an attack that reads it (else null)
   * @param referenceSigns its signs, for the agreement metric (else null)
   */
  ServerStep.ChunkRunner runner(float[] reference, SignVector referenceSigns);

  /**
   * How long this iteration's server step spent moving the chunks to the shards and the results back (ms), rather
   * than on the server's own work (see {@link ShardedChunks#movingMs}).
   */
  double movingMs();
}
