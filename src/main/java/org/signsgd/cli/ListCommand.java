package org.signsgd.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.signsgd.aggregate.Aggregator;
import org.signsgd.aggregate.PreAggregator;
import org.signsgd.aggregate.Rules;
import org.signsgd.attack.Attack;
import org.signsgd.attack.Attacks;
import org.signsgd.spec.Registry;
import org.signsgd.spec.RuleSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code list [rules | attacks | queries]}: every name a job file's {@code aggregator} and {@code attack} and
 * {@code analyze --query} accept, read from the registries themselves, each with its parameters and their
 * defaults (what the registry fills in when a job gives none) and what it reads or may see.
 */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "Prints every aggregation rule, pre-aggregator, attack and canned query, with parameters and "
        + "defaults (docs/ has the math).")
public final class ListCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "WHAT", description = "rules, attacks or queries "
      + "(default: all three)")
  String what;

  private static final List<String> WHAT = List.of("rules", "attacks", "queries");

  @Override
  public Integer call() {
    if (what != null && !WHAT.contains(what)) {
      throw new IllegalArgumentException("list " + what + ": no such list; allowed: " + String.join(", ", WHAT));
    }
    PrintWriter w = spec.commandLine().getOut();
    if (what == null || what.equals("rules")) {
      rules(w);
    }
    if (what == null || what.equals("attacks")) {
      attacks(w);
    }
    if (what == null || what.equals("queries")) {
      w.println("canned queries (analyze --query NAME; analyze --list describes the columns):");
      org.signsgd.analysis.CannedQueries.names().forEach(n -> w.println("  " + n + ": "
          + org.signsgd.analysis.CannedQueries.get(n).description()));
    }
    w.flush();
    return 0;
  }

  private static void rules(PrintWriter w) {
    w.println("aggregation rules (aggregator: {name: NAME, ...}; docs/aggregators.md):");
    List<String> pre = Rules.names().stream().filter(n -> Rules.create(RuleSpec.of(n)) instanceof PreAggregator)
        .toList();
    for (String n : Rules.names()) {
      if (!pre.contains(n)) {
        Registry.Built<Aggregator> b = Rules.build(RuleSpec.of(n));
        w.println(line(n, b.params(), b.value().kind().label() + " messages"
            + (b.value().shardable() ? ", shards" : "") + (b.value().stateful() ? ", stateful" : "")));
      }
    }
    w.println("pre-aggregators (then: RULE or then: {name: RULE, ...}; docs/pre-aggregators.md):");
    for (String n : pre) {
      Registry.Built<Aggregator> b = Rules.build(RuleSpec.of(n));
      w.println(line(n, b.params(), "dense messages" + (b.value().shardable() ? ", shards over a rule that shards"
          : "")));
    }
  }

  private static void attacks(PrintWriter w) {
    w.println("attacks (attack: {name: NAME, ...}; docs/attacks.md):");
    for (String n : Attacks.names()) {
      Registry.Built<Attack> b = Attacks.build(RuleSpec.of(n));
      Attack a = b.value();
      w.println(line(n, b.params(), a.threatModel().name().toLowerCase(Locale.ROOT) + ", forges "
          + a.kinds().stream().map(k -> k.label()).sorted().collect(Collectors.joining(" or "))
          + (a.coordinateWise() ? "" : a.chunked() != null ? ", in a pass of sums over all coordinates"
          : a.searching() != null ? ", tries the rule chunk by chunk" : ", whole vectors (not sharded)")));
    }
  }

  private static String line(String name, Map<String, Object> params, String what) {
    return String.format(Locale.ROOT, "  %-24s %s%s", name, params.isEmpty() ? "" : yaml(params) + "  ",
        "(" + what + ")");
  }

  /** A parameter map as a job file writes it: {@code {s: 2, then: {name: mean}}}. */
  private static String yaml(Map<?, ?> params) {
    return params.entrySet().stream().map(e -> e.getKey() + ": " + (e.getValue() instanceof Map<?, ?> m ? yaml(m)
        : e.getValue())).collect(Collectors.joining(", ", "{", "}"));
  }
}
