package org.signsgd.train;

/**
 * One row of {@code iterations/} (DESIGN §4). Nullable columns are boxed. Timing columns ({@code *_ms}) are
 * the only ones that may differ between two runs of the same job and seed.
 */
public record IterationRow(String runId, long iteration, double lr, double trainLoss, Double gap,
    Double testLoss, Double testAccuracy, Double gradNormL1, Double honestAgreement, Double voteFailureRate,
    Double boundFailure, Double exactFailure, Double varianceNormRatio,
    Double varianceNormRatioSampled, Double varianceBound,
    Double cosineToReference, int malformedMessages, long bytesUp, long bytesDown,
    double computeMs, double aggregateMs, double iterationMs, String algorithm, String aggregator,
    String attack, int workers, int byzantine, String batchSize, long seed) implements java.io.Serializable {}
