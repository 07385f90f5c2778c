package org.signsgd.train;

/**
 * One row of {@code iterations/} ({@link org.signsgd.metrics.IterationSchema}). Nullable columns are boxed. Timing
 * columns ({@code *_ms}) are the only ones that may differ between two runs of the same job and seed. {@code dimension}
 * is d, the number of parameters: bytes over 4·d·Q is the compression against float32 messages. {@code badImages}
 * is the number of training images of this iteration's minibatches, summed over the workers, that could not be
 * decoded and were replaced (0 for data held in memory). {@code attackFactor} and {@code attackEvaluations} are what an
 * optimising attack's search found this iteration (the factor it sent with, the candidates it evaluated; see
 * docs/attacks.md); null for the other attacks.
 */
public record IterationRow(String runId, long iteration, double lr, double trainLoss, Double gap,
    Double testLoss, Double testAccuracy, Double gradNormL1, Double honestAgreement, Double voteFailureRate,
    Double boundFailure, Double exactFailure, Double varianceNormRatio,
    Double varianceNormRatioSampled, Double varianceBound,
    Double cosineToReference, int malformedMessages, long bytesUp, long bytesDown,
    double computeMs, double aggregateMs, double iterationMs, String algorithm, String aggregator,
    String attack, int workers, int byzantine, String batchSize, long seed, long dimension,
    long badImages, Double attackFactor, Integer attackEvaluations) implements java.io.Serializable {}
