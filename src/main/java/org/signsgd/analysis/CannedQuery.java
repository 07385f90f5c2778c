package org.signsgd.analysis;

import java.util.List;

/**
 * A named Spark SQL query over a metrics directory's views ({@code runs}, {@code iterations}), with the meaning
 * of each column it returns: {@code analyze --query NAME}.
 */
public record CannedQuery(String name, String description, List<String> columns, String sql) {
  /** The column list, one "name: meaning" per line, for {@code --help} and the README. */
  public String describeColumns() {
    return String.join("\n", columns);
  }
}
