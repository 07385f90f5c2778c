package org.signsgd.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistryTest {
  @Test
  void duplicatesAndNonKebabNamesFailAtStartUp() {
    Registry<String> r = new Registry<String>("thing").register("a-b", p -> "x");
    assertThatThrownBy(() -> r.register("a-b", p -> "y")).hasMessage("thing 'a-b' is registered twice");
    assertThatThrownBy(() -> r.register("A_b", p -> "y")).hasMessage("thing name 'A_b' is not lowercase kebab-case");
    assertThat(r.names()).containsExactly("a-b");
    assertThat(r.contains("a-b")).isTrue();
  }

  @Test
  void paramsParseNumbersFromStringsAndRejectWrongTypes() {
    Params p = new Params("rule", Map.of("x", "0.5", "n", "3", "bad", "abc"));
    assertThat(p.doubleValue("x", 0, 0, 1)).isEqualTo(0.5);
    assertThat(p.intValue("n", 0, 0, 10)).isEqualTo(3);
    assertThatThrownBy(() -> p.intValue("bad", 0, 0, 10))
        .hasMessage("rule: parameter bad is abc; allowed: an integer in [0, 10]");
    assertThatThrownBy(() -> new Params("rule", Map.of("n", 2.5)).intValue("n", 0, 0, 10))
        .hasMessage("rule: parameter n is 2.5; allowed: an integer in [0, 10]");
  }

  @Test
  void nearestNameSuggestions() {
    assertThat(Names.nearest("krun", java.util.List.of("krum", "median"))).isEqualTo("krum");
    assertThat(Names.nearest("zzzzzz", java.util.List.of("krum", "median"))).isNull();
    assertThat(Names.distance("kitten", "sitting")).isEqualTo(3);
  }
}
