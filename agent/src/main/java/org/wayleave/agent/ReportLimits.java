package org.wayleave.agent;

import com.google.protobuf.Descriptors;
import java.util.ArrayList;
import java.util.List;
import org.wayleave.api.v1.ItemError;
import org.wayleave.api.v1.OptionsProto;
import org.wayleave.api.v1.Report;

/**
 * Cuts a Report to the contract's limits (southbound.proto) before the agent sends it, so that a
 * driver's long message cannot make the controller end the session as a protocol error.
 */
final class ReportLimits {
  /**
   * Most item errors a Report may carry (southbound.proto); the controller ends the stream over it.
   */
  static final int MAX_ITEM_ERRORS = 4096;

  private ReportLimits() {}

  /**
   * The report cut to the contract's limits (its fields' {@code max_chars}, at most {@value
   * #MAX_ITEM_ERRORS} item errors): a driver's long message must not make the controller end the
   * session as a protocol error.
   */
  static Report.Builder withinLimits(Report.Builder r) {
    if (r.getItemErrorsCount() > MAX_ITEM_ERRORS) {
      List<ItemError> kept = new ArrayList<>(r.getItemErrorsList().subList(0, MAX_ITEM_ERRORS));
      r.clearItemErrors().addAllItemErrors(kept);
    }
    for (int i = 0; i < r.getItemErrorsCount(); i++) {
      ItemError.Builder e = r.getItemErrors(i).toBuilder();
      for (Descriptors.FieldDescriptor f : ItemError.getDescriptor().getFields()) {
        int max = f.getOptions().getExtension(OptionsProto.maxChars);
        String text = (String) e.getField(f);
        if (max > 0 && text.length() > max) {
          e.setField(f, text.substring(0, max - 1) + "\u2026");
        }
      }
      r.setItemErrors(i, e);
    }
    return r;
  }
}
