package org.signsgd.analysis;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.InsertIntoDir;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.ParsedStatement;
import org.apache.spark.sql.catalyst.plans.logical.RowLevelWrite;
import org.apache.spark.sql.catalyst.plans.logical.V2CreateTableAsSelectPlan;
import org.apache.spark.sql.execution.SparkSqlParser;
import org.signsgd.spec.Echo;
import scala.collection.JavaConverters;

/**
 * {@code analyze --sql} only reads: the statement is parsed with Spark's own parser, and runs only when its
 * plan is a query (SELECT, WITH ... SELECT, VALUES, TABLE) or one of the commands that describe (SHOW,
 * DESCRIBE, EXPLAIN). An INSERT into a view of the metrics, an INSERT OVERWRITE DIRECTORY, CREATE, DROP, CACHE,
 * SET and every other command is refused before anything runs, anywhere in the statement (a WITH may wrap an
 * INSERT). A syntax error is the parser's own message.
 */
final class ReadOnlySql {
  /** The commands that only describe (Spark 3.5's logical plan names). */
  static final Set<String> DESCRIBING = Set.of("ShowTables", "ShowTablesExtended", "ShowViews", "ShowColumns",
      "ShowFunctions", "ShowNamespaces", "DescribeRelation", "DescribeColumn", "DescribeFunction",
      "DescribeNamespace", "DescribeQueryCommand", "ExplainCommand");

  private ReadOnlySql() {}

  /**
   * Throws a one-line {@link IllegalArgumentException} unless {@code sql} only reads; Spark's parser needs no
   * session, so a refused statement costs no Spark start.
   */
  static void require(String sql) {
    LogicalPlan plan;
    try {
      plan = new SparkSqlParser().parsePlan(sql);
    } catch (Exception e) { // ParseException, checked and undeclared
      if (!(e instanceof ParseException)) {
        throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
      }
      throw new IllegalArgumentException("--sql: " + Echo.firstLine(e.getMessage()));
    }
    String writer = writer(plan);
    if (writer != null) {
      throw new IllegalArgumentException("--sql: analyze only reads the metrics, and this statement is a "
          + writer + "; allowed: SELECT, WITH ... SELECT, VALUES, SHOW, DESCRIBE, EXPLAIN");
    }
  }

  /** The name of the first node of the plan that is not a query or a describing command, or null. */
  static String writer(LogicalPlan root) {
    Deque<LogicalPlan> todo = new ArrayDeque<>();
    todo.push(root);
    while (!todo.isEmpty()) {
      LogicalPlan p = todo.pop();
      // Spark's writing plans: commands and parsed statements (INSERT INTO, CREATE, DROP, SET, CACHE, DELETE,
      // ...), and the writers that are neither (INSERT OVERWRITE DIRECTORY, CREATE/REPLACE ... AS SELECT)
      boolean command = p instanceof Command || p instanceof ParsedStatement || p instanceof InsertIntoDir
          || p instanceof V2CreateTableAsSelectPlan || p instanceof RowLevelWrite;
      if (command && !DESCRIBING.contains(p.nodeName())) {
        return p.nodeName();
      }
      JavaConverters.seqAsJavaList(p.children()).forEach(todo::push);
    }
    return null;
  }


}
