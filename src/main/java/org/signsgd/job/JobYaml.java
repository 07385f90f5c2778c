package org.signsgd.job;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Pattern;
import org.signsgd.spec.Echo;

/**
 * Reads the YAML of a job file or of a {@code --set} value into plain maps, lists and scalars, and refuses what
 * would make a run silently differ from the text: a key given twice (Jackson's strict duplicate detection), a
 * key without a value (null), a YAML alias (Jackson reads {@code *x} as the text "x"), binary data, and a second
 * document. Non-finite floats ({@code .nan}, {@code .inf}, {@code -.inf}), which Jackson 2.15 cannot read,
 * become NaN and ±∞, so that the check of each setting refuses them with its allowed range. Lists and maps
 * nest at most {@value #MAX_DEPTH} deep: Jackson 2.15's YAML parser does not enforce
 * {@code StreamReadConstraints.maxNestingDepth} (nor SnakeYAML's nesting limit, which only its own composer
 * reads), and its recursive reader overflows the stack a few thousand levels down.
 */
final class JobYaml {
  /**
   * The deepest nesting of lists and maps, the file's own map included: a job needs 5
   * (grid.variants[i].lr.initial); 32 leaves room.
   */
  static final int MAX_DEPTH = 32;
  private static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION));
  private static final Pattern NON_FINITE = Pattern.compile("[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)");

  private JobYaml() {}

  /** What is wrong with the YAML, at a dotted key path ("" for the whole text) and a line (0 if unknown). */
  static final class Problem extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String path;
    final int line;
    final Kind kind;

    Problem(Kind kind, String path, int line, String detail) {
      super(detail, null, false, false);
      this.kind = kind;
      this.path = path;
      this.line = line;
    }
  }

  /** The kinds of {@link Problem}, which the file and the {@code --set} reader word differently. */
  enum Kind { EMPTY, NULL, DUPLICATE, SYNTAX, OTHER }

  /** The value the text holds, or throws a {@link Problem}. */
  static Object read(String text) {
    try (Checked p = new Checked(MAPPER.getFactory().createParser(text))) {
      if (p.nextToken() == null) {
        throw new Problem(Kind.EMPTY, "", 0, "holds no value");
      }
      Object value = MAPPER.readValue(p, Object.class);
      if (p.nextToken() != null) {
        throw new Problem(Kind.OTHER, "", 0, "holds a second YAML document (from line " + p.line()
            + "); a job is one document: remove the '---' before it");
      }
      return value;
    } catch (JsonProcessingException e) {
      String path = e.getProcessor() instanceof JsonParser jp ? path(jp.getParsingContext()) : "";
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      String first = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("").trim();
      if (first.startsWith("Duplicate field '")) {
        throw new Problem(Kind.DUPLICATE, path, line, "appears twice");
      }
      if (first.startsWith("Expected a field name")) {
        first = "a key is a list or a map; keys are plain names";
      }
      throw new Problem(Kind.SYNTAX, path, line, Echo.of(first));
    } catch (IOException e) {
      throw new Problem(Kind.SYNTAX, "", 0, Echo.of(e.getMessage()));
    }
  }

  /** "grid.seed[1]" from Jackson's context chain. */
  static String path(JsonStreamContext context) {
    Deque<String> parts = new ArrayDeque<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        parts.addFirst("[" + Math.max(c.getCurrentIndex(), 0) + "]");
      } else if (c.getCurrentName() != null) {
        parts.addFirst(c.getCurrentName());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String part : parts) {
      out.append(out.length() == 0 || part.startsWith("[") ? "" : ".").append(part);
    }
    return out.toString();
  }

  /** The parser with the checks above, token by token. */
  private static final class Checked extends JsonParserDelegate {
    private int depth;
    private Double nonFinite;

    Checked(JsonParser parser) {
      super(parser);
    }

    int line() {
      return delegate.getTokenLocation().getLineNr();
    }

    @Override
    public JsonToken nextToken() throws IOException {
      JsonToken t = delegate.nextToken();
      nonFinite = null;
      if (t == null) {
        return null;
      }
      switch (t) {
        case START_OBJECT, START_ARRAY -> {
          if (++depth > MAX_DEPTH) {
            // the key at the top: the path down to the limit would be as long as the limit
            String top = path(delegate.getParsingContext().getParent()).split("[.\\[]", 2)[0];
            throw new Problem(Kind.OTHER, top, line(), "nests lists and maps more than " + MAX_DEPTH
                + " deep; a job's settings nest a few levels");
          }
        }
        case END_OBJECT, END_ARRAY -> depth--;
        case VALUE_NULL -> throw new Problem(Kind.NULL, path(delegate.getParsingContext()), line(), "is empty");
        case VALUE_EMBEDDED_OBJECT -> throw new Problem(Kind.OTHER, path(delegate.getParsingContext()), line(),
            "is binary data; allowed: numbers, text, true or false, lists and maps");
        case VALUE_NUMBER_FLOAT -> {
          String text = delegate.getText();
          if (NON_FINITE.matcher(text).matches()) {
            nonFinite = text.contains("nan") || text.contains("NaN") || text.contains("NAN") ? Double.NaN
                : text.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
          }
        }
        default -> { }
      }
      if (t.isScalarValue() && delegate instanceof YAMLParser y && y.isCurrentAlias()) {
        throw new Problem(Kind.OTHER, path(delegate.getParsingContext()), line(), "is the YAML alias *"
            + Echo.of(delegate.getText()) + "; aliases are not supported: write the value out");
      }
      return t;
    }

    @Override
    public JsonToken nextValue() throws IOException {
      JsonToken t = nextToken();
      return t == JsonToken.FIELD_NAME ? nextToken() : t;
    }

    @Override
    public JsonParser skipChildren() throws IOException {
      if (currentToken() == JsonToken.START_OBJECT || currentToken() == JsonToken.START_ARRAY) {
        int open = 1;
        while (open > 0) {
          JsonToken t = nextToken();
          if (t == null) {
            break;
          }
          open += t.isStructStart() ? 1 : t.isStructEnd() ? -1 : 0;
        }
      }
      return this;
    }

    @Override
    public NumberType getNumberType() throws IOException {
      return nonFinite != null ? NumberType.DOUBLE : delegate.getNumberType();
    }

    @Override
    public Number getNumberValue() throws IOException {
      return nonFinite != null ? nonFinite : delegate.getNumberValue();
    }

    @Override
    public Number getNumberValueExact() throws IOException {
      return nonFinite != null ? nonFinite : delegate.getNumberValueExact();
    }

    @Override
    public Object getNumberValueDeferred() throws IOException {
      return nonFinite != null ? nonFinite : delegate.getNumberValueDeferred();
    }

    @Override
    public double getDoubleValue() throws IOException {
      return nonFinite != null ? nonFinite : delegate.getDoubleValue();
    }

    @Override
    public double getValueAsDouble() throws IOException {
      return nonFinite != null ? nonFinite : delegate.getValueAsDouble();
    }

    @Override
    public float getFloatValue() throws IOException {
      return nonFinite != null ? nonFinite.floatValue() : delegate.getFloatValue();
    }

    @Override
    public boolean isNaN() throws IOException {
      return nonFinite != null || delegate.isNaN();
    }

    @Override
    public BigDecimal getDecimalValue() throws IOException {
      if (nonFinite != null) {
        throw new Problem(Kind.OTHER, path(delegate.getParsingContext()), line(), "is not a finite number");
      }
      return delegate.getDecimalValue();
    }
  }
}
