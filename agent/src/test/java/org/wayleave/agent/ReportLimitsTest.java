package org.wayleave.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.wayleave.api.v1.ApplyResult;
import org.wayleave.api.v1.ItemError;
import org.wayleave.api.v1.OptionsProto;
import org.wayleave.api.v1.Report;

/**
 * A driver's long error text is cut to the contract's limits before it is reported: over them the
 * controller would end the session as a protocol error and never see why the push failed.
 */
class ReportLimitsTest {
  static int maxChars(String field) {
    return ItemError.getDescriptor()
        .findFieldByName(field)
        .getOptions()
        .getExtension(OptionsProto.maxChars);
  }

  @Test
  void longTextIsCutToTheContractsLimits() {
    Report.Builder r =
        Report.newBuilder()
            .setGeneration(7)
            .setResult(ApplyResult.APPLY_RESULT_REJECTED)
            .addItemErrors(
                ItemError.newBuilder()
                    .setName("ge-0/0/1." + "9".repeat(100))
                    .setMessage("commit failed: " + "x".repeat(5000)))
            .addItemErrors(
                ItemError.newBuilder()
                    .setName("ge-0/0/1.100")
                    .setAlias("LPSN-CAM-0001")
                    .setMessage("short"));
    Report cut = ReportLimits.withinLimits(r).build();
    assertThat(maxChars("message")).isEqualTo(1024);
    assertThat(cut.getItemErrors(0).getMessage())
        .hasSize(1024)
        .startsWith("commit failed: ")
        .endsWith("\u2026");
    assertThat(cut.getItemErrors(0).getName()).hasSize(maxChars("name"));
    assertThat(cut.getItemErrors(1))
        .as("text within the limits is left alone")
        .isEqualTo(
            ItemError.newBuilder()
                .setName("ge-0/0/1.100")
                .setAlias("LPSN-CAM-0001")
                .setMessage("short")
                .build());
  }

  @Test
  void atMostTheContractsNumberOfItemErrors() {
    Report.Builder r =
        Report.newBuilder().setGeneration(7).setResult(ApplyResult.APPLY_RESULT_PARTIAL);
    IntStream.range(0, ReportLimits.MAX_ITEM_ERRORS + 10)
        .forEach(i -> r.addItemErrors(ItemError.newBuilder().setName("ge-0/0/1." + i)));
    assertThat(ReportLimits.withinLimits(r).getItemErrorsCount())
        .isEqualTo(ReportLimits.MAX_ITEM_ERRORS);
  }
}
