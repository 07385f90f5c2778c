package org.signsgd.train;

import java.io.Serializable;
import org.signsgd.job.BatchSize;
import org.signsgd.message.MessageKind;
import org.signsgd.vote.TieRule;

/** What every worker needs to know about its run; shipped once per run. */
public record WorkerPlan(long seed, int workers, boolean[] byzantine, BatchSize batch, double beta,
    double weightDecay, MessageKind kind, TieRule encoding, int checkEvery) implements Serializable {}
