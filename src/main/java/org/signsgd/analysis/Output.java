package org.signsgd.analysis;

import java.io.PrintWriter;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Prints a query result as an aligned table, CSV or JSON lines. */
public final class Output {
  /** Output formats of {@code analyze}. */
  public enum Format {
    table,
    csv,
    json
  }

  private Output() {}

  public static void print(Dataset<Row> result, Format format, PrintWriter out) {
    switch (format) {
      case json -> result.toJSON().collectAsList().forEach(out::println);
      case csv -> {
        out.println(String.join(",", result.columns()));
        for (Row r : result.collectAsList()) {
          StringBuilder b = new StringBuilder();
          for (int i = 0; i < r.size(); i++) {
            b.append(i == 0 ? "" : ",").append(r.isNullAt(i) ? "" : r.get(i).toString());
          }
          out.println(b);
        }
      }
      default -> table(result.columns(), result.collectAsList(), out);
    }
    out.flush();
  }

  static void table(String[] columns, List<Row> rows, PrintWriter out) {
    int[] width = new int[columns.length];
    for (int i = 0; i < columns.length; i++) {
      width[i] = columns[i].length();
    }
    for (Row r : rows) {
      for (int i = 0; i < columns.length; i++) {
        width[i] = Math.max(width[i], cell(r, i).length());
      }
    }
    StringBuilder head = new StringBuilder();
    for (int i = 0; i < columns.length; i++) {
      head.append(String.format("%-" + width[i] + "s  ", columns[i]));
    }
    out.println(head.toString().stripTrailing());
    for (Row r : rows) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < columns.length; i++) {
        b.append(String.format("%-" + width[i] + "s  ", cell(r, i)));
      }
      out.println(b.toString().stripTrailing());
    }
    out.println("(" + rows.size() + " rows)");
  }

  private static String cell(Row r, int i) {
    return r.isNullAt(i) ? "null" : r.get(i).toString();
  }
}
