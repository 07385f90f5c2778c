package org.signsgd.analysis;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.signsgd.spec.Names;

/** The queries {@code analyze --query NAME} knows, by name. */
public final class CannedQueries {
  private static final Map<String, CannedQuery> BY_NAME = new LinkedHashMap<>();

  static {
    for (CannedQuery q : List.of(AccuracyAndVotes.ACCURACY, AccuracyAndVotes.VOTE_FAILURE,
        AccuracyAndVotes.VOTE_FAILURE_BY_ITERATION, CostQueries.COMMUNICATION, CostQueries.TIMING,
        WorkerTrust.TABLE, MomentumRecovery.TABLE, MomentumRecovery.SUMMARY, WorstCase.TABLE)) {
      BY_NAME.put(q.name(), q);
    }
  }

  private CannedQueries() {}

  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }

  /** The query called {@code name}; a one-line error naming the nearest and all queries otherwise. */
  public static CannedQuery get(String name) {
    CannedQuery q = BY_NAME.get(name);
    if (q == null) {
      String near = Names.nearest(name, BY_NAME.keySet());
      throw new IllegalArgumentException("--query " + name + ": no such query" + (near == null ? ""
          : " (did you mean '" + near + "'?)") + "; allowed: " + String.join(", ", BY_NAME.keySet()));
    }
    return q;
  }
}
