package org.wayleave.cli.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every kind of bad manifest is refused with its file, document number, line and field. */
class ManifestErrorsTest {
  @TempDir Path tmp;

  @Test
  void messageReadsFileLineDocumentFieldRule() {
    Path file = Fixtures.manifest("errors/bad.yaml");

    ManifestException e = refused(file);

    assertThat(e.getMessage())
        .isEqualTo(file + ":7: document 2: spec.committedMbps: expected an integer, got 'fast'");
    assertThat(e.rule()).isEqualTo("expected an integer, got 'fast'");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # file               | doc | line | field              | the rule says
          unknown-field.yaml   | 1   | 7    | ports[0].rol       | unknown field 'rol' in Port; valid fields are name, speedMbps, role, description (did you mean 'role'?)
          bad.yaml             | 2   | 7    | spec.committedMbps | expected an integer, got 'fast'
          wrong-shape.yaml     | 1   | 3    | councils           | expected a list (of strings), got 'camden'
          out-of-range.yaml    | 1   | 6    | spec.aEnd.cTag     | expected an integer from -2147483648 to 2147483647, got '4294967296'
          bad-enum.yaml        | 2   | 8    | spec.kind          | expected one of PSN_ACCESS, SHARED_SERVICE, INTER_SITE (CircuitKind; the CIRCUIT_KIND_ prefix is optional), got 'PSN_ACESS'
          unknown-kind.yaml    | 1   | 2    | kind               | unknown kind 'circuit'; valid kinds are Council, Supplier, Site, Device, VlanPool, Circuit (kinds are case-sensitive: did you mean Circuit?)
          missing-kind.yaml    | 2   | 5    | kind               | missing: every document needs a kind, one of Council, Supplier, Site, Device, VlanPool, Circuit
          missing-id.yaml      | 1   | 1    | id                 | required: every Site needs an id
          duplicate-key.yaml   | 1   | 4    | name               | duplicate key (first set on line 3)
          set-twice.yaml       | 1   | 4    | gss_code           | set twice (also as 'gssCode')
          alias.yaml           | 1   | 3    | name               | YAML aliases (*slug) are not supported in manifests; write the value out
          not-a-mapping.yaml   | 1   | 1    | ''                 | expected a mapping (kind, then the object's fields), got a list
          syntax.yaml          | 2   | 9    | spec.aEnd          | YAML syntax error: while parsing a flow mapping (line 8): expected ',' or '}'
          indentation.yaml     | 1   | 5    | ''                 | YAML syntax error:
          """)
  void badDocumentIsRefusedWithItsWhereabouts(
      String name, int document, int line, String field, String rule) {
    Path file = Fixtures.manifest("errors/" + name);

    ManifestException e = refused(file);

    assertThat(e.file()).isEqualTo(file);
    assertThat(e.document()).as("document").isEqualTo(document);
    assertThat(e.line()).as("line").isEqualTo(line);
    assertThat(e.field()).as("field").isEqualTo(field);
    assertThat(e.rule()).as("rule").startsWith(rule);
    String prefix =
        file + ":" + line + ": document " + document + ": " + (field.isEmpty() ? "" : field + ": ");
    assertThat(e.getMessage()).isEqualTo(prefix + e.rule());
  }

  @Test
  void anObjectDefinedTwiceIsRefusedAtTheSecondNamingTheFirst() {
    Path file = Fixtures.manifest("errors/duplicate-object.yaml");

    ManifestException e = refused(file);

    // A Site may share a Council's id; the second Council camden may not.
    assertThat(e.document()).isEqualTo(3);
    assertThat(e.line()).isEqualTo(9);
    assertThat(e.field()).isEqualTo("id");
    assertThat(e.rule())
        .isEqualTo("Council camden is defined twice; first at " + file + ":1 (document 1)");
  }

  @Test
  void anObjectDefinedInTwoFilesIsRefusedToo() throws Exception {
    Path first = Files.writeString(tmp.resolve("a.yaml"), "kind: Council\nid: camden\n");
    Path second =
        Files.writeString(
            tmp.resolve("b.yaml"),
            "kind: Site\nid: camden-civic\n---\nkind: Council\nid: camden\n");

    ManifestException e = catchThrowableOfType(ManifestException.class, () -> Manifests.read(tmp));

    assertThat(e.file()).isEqualTo(second);
    assertThat(e.document()).isEqualTo(2);
    assertThat(e.rule()).contains("first at " + first + ":1 (document 1)");
  }

  @Test
  void aMissingFileIsNamed() {
    Path missing = tmp.resolve("no-such.yaml");

    ManifestException e = refused(missing);

    assertThat(e.file()).isEqualTo(missing);
    assertThat(e.document()).isZero();
    assertThat(e.line()).isZero();
    assertThat(e.field()).isEmpty();
    assertThat(e.getMessage()).isEqualTo(missing + ": no such file or directory");
  }

  @Test
  void aMissingPathAmongSeveralIsNamedAndNothingIsReturned() {
    Path missing = Path.of("examples", "londn");

    ManifestException e =
        catchThrowableOfType(
            ManifestException.class,
            () -> Manifests.read(List.of(Fixtures.manifest("multi.yaml"), missing)));

    assertThat(e.getMessage()).isEqualTo("examples/londn: no such file or directory");
  }

  @Test
  void theFirstBadDocumentIsReportedEvenWithASyntaxErrorFurtherDown() throws Exception {
    Path file =
        Files.writeString(
            tmp.resolve("two-faults.yaml"),
            "kind: Council\n"
                + "id: camden\n"
                + "region: london\n"
                + "colour: red\n"
                + "---\n"
                + "kind: Council\n"
                + "id: x\n"
                + "name: {broken\n");

    ManifestException e = refused(file);

    assertThat(e.document()).isEqualTo(1);
    assertThat(e.field()).isEqualTo("colour");
    assertThat(e.line()).isEqualTo(4);
  }

  @Test
  void aSiteKindWrittenAsTheDocumentKindGetsAHint() throws Exception {
    Path file = Files.writeString(tmp.resolve("site.yaml"), "kind: DEPOT\nid: camden-depot\n");

    assertThat(refused(file).rule()).endsWith("(a Site's own kind is written siteKind)");
  }

  @Test
  void enumNamesInTheWrongCaseGetAHint() throws Exception {
    Path file =
        Files.writeString(
            tmp.resolve("port.yaml"),
            "kind: Device\nid: r\nports: [{name: ge-0/0/1, role: access}]\n");

    ManifestException e = refused(file);

    assertThat(e.field()).isEqualTo("ports[0].role");
    assertThat(e.rule())
        .contains("got 'access'")
        .endsWith("(enum names are upper case: did you mean ACCESS?)");
  }

  @Test
  void aStringWhereAMappingBelongsIsRefused() throws Exception {
    Path file =
        Files.writeString(
            tmp.resolve("c.yaml"), "kind: Circuit\nid: LPSN-X-1\nspec:\n  aEnd: rtr-camden-01\n");

    ManifestException e = refused(file);

    assertThat(e.field()).isEqualTo("spec.aEnd");
    assertThat(e.line()).isEqualTo(4);
    assertThat(e.rule()).isEqualTo("expected a mapping (Termination), got 'rtr-camden-01'");
  }

  private static ManifestException refused(Path file) {
    ManifestException e = catchThrowableOfType(ManifestException.class, () -> Manifests.read(file));
    assertThat(e).as("reading %s should fail", file).isNotNull();
    return e;
  }
}
