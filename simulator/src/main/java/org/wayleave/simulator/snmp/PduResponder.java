package org.wayleave.simulator.snmp;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.snmp4j.PDU;
import org.snmp4j.ScopedPDU;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.VariableBinding;

/**
 * Answers one GET, GETNEXT or GETBULK request from a router's {@link MibView}, within the size the
 * requester can take: a GET or GETNEXT answer that does not fit is {@code tooBig} (RFC 3416 4.2.1),
 * a GETBULK answer is trimmed to the variable bindings that fit (RFC 3416 4.2.3). SET is refused
 * with {@code notWritable}: the simulated routers are read-only over SNMP.
 */
final class PduResponder {
  /** Most variable bindings one GETBULK answer holds, whatever the size allows. */
  static final int MAX_BULK_BINDINGS = 10_000;

  /** Room for the length fields of the PDU and its binding list to grow as bindings are added. */
  private static final int LENGTH_SLACK = 6;

  private PduResponder() {}

  /**
   * The response to {@code request}, or null if it deserves none (not a request).
   *
   * @param view the MIB as it is now, taken only if the request reads it
   * @param maxPduBytes the largest encoded (scoped) PDU the response may be
   */
  static PDU respond(PDU request, Supplier<MibView> view, int maxPduBytes) {
    PDU response = emptyResponse(request);
    switch (request.getType()) {
      case PDU.GET -> {
        MibView v = view.get();
        for (VariableBinding vb : request.getVariableBindings()) {
          response.add(v.get(vb.getOid()));
        }
      }
      case PDU.GETNEXT -> {
        MibView v = view.get();
        for (VariableBinding vb : request.getVariableBindings()) {
          response.add(v.next(vb.getOid()));
        }
      }
      case PDU.GETBULK -> {
        bulk(request, view.get(), response, maxPduBytes);
        return response;
      }
      case PDU.SET -> {
        response.addAll(request.getVariableBindings().toArray(VariableBinding[]::new));
        response.setErrorStatus(PDU.notWritable);
        response.setErrorIndex(1);
      }
      default -> {
        return null;
      }
    }
    if (response.getBERLength() > maxPduBytes) {
      response.clear();
      response.setRequestID(request.getRequestID());
      response.setType(PDU.RESPONSE);
      response.setErrorStatus(PDU.tooBig);
      response.setErrorIndex(0);
    }
    return response;
  }

  /**
   * A response refusing the whole request with {@code errorStatus} (index 1), echoing its bindings.
   */
  static PDU refuse(PDU request, int errorStatus) {
    PDU response = emptyResponse(request);
    response.addAll(request.getVariableBindings().toArray(VariableBinding[]::new));
    response.setErrorStatus(errorStatus);
    response.setErrorIndex(request.size() == 0 ? 0 : 1);
    return response;
  }

  private static PDU emptyResponse(PDU request) {
    PDU response;
    if (request instanceof ScopedPDU scoped) {
      ScopedPDU s = new ScopedPDU();
      s.setContextEngineID(scoped.getContextEngineID());
      s.setContextName(scoped.getContextName());
      response = s;
    } else {
      response = new PDU();
    }
    response.setType(PDU.RESPONSE);
    response.setRequestID(request.getRequestID());
    return response;
  }

  /**
   * RFC 3416 4.2.3: N non-repeaters once, then up to M rounds over the R repeaters, while it fits.
   */
  private static void bulk(PDU request, MibView view, PDU response, int maxPduBytes) {
    List<? extends VariableBinding> in = request.getVariableBindings();
    int n = Math.min(Math.max(request.getNonRepeaters(), 0), in.size());
    int m = Math.max(request.getMaxRepetitions(), 0);
    int r = in.size() - n;
    int budget = maxPduBytes - response.getBERLength() - LENGTH_SLACK;
    List<VariableBinding> out = new ArrayList<>();
    int used = 0;
    boolean full = false;
    for (int i = 0; i < n && !full; i++) {
      VariableBinding vb = view.next(in.get(i).getOid());
      int len = vb.getBERLength();
      if (used + len > budget) {
        full = true;
      } else {
        out.add(vb);
        used += len;
      }
    }
    OID[] cursors = new OID[r];
    for (int j = 0; j < r; j++) {
      cursors[j] = in.get(n + j).getOid();
    }
    for (int rep = 0; rep < m && r > 0 && !full; rep++) {
      boolean allEnded = true;
      for (int j = 0; j < r; j++) {
        VariableBinding vb = view.next(cursors[j]);
        int len = vb.getBERLength();
        if (used + len > budget || out.size() >= MAX_BULK_BINDINGS) {
          full = true;
          break;
        }
        out.add(vb);
        used += len;
        if (!vb.getVariable().isException()) {
          cursors[j] = vb.getOid();
          allEnded = false;
        }
      }
      if (allEnded) {
        break;
      }
    }
    response.setVariableBindings(out);
  }
}
