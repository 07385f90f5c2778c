package org.signsgd.aggregate;

import java.util.random.RandomGenerator;

/**
 * What a rule may know besides the messages: Q (workers in the run), the declared Byzantine count f that the
 * rule is told (which may differ from the actual count), the iteration, and a stream seeded from
 * (seed, iteration) for randomised rules and tie breaks.
 */
public record AggregationContext(int workers, int declaredByzantine, long iteration, RandomGenerator rng) {}
