package org.wayleave.base.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.wayleave.api.v1.ChangeAction;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.api.v1.DeviceDiff;
import org.wayleave.api.v1.ItemError;
import org.wayleave.api.v1.SubInterface;
import org.wayleave.api.v1.SubInterfaceChange;

/**
 * The difference between what a router carries and what it should carry, by sub-interface name:
 * what the controller shows in a plan ({@link #toDeviceDiff}), what it checks before pushing
 * ({@link #isEmpty}), and what every agent driver applies item by item ({@link #applyEach}).
 *
 * @param deletes carried but not desired (empty when unowned sub-interfaces are kept)
 * @param updates carried and desired, but different
 * @param creates desired but not carried
 */
public record ConfigDiff(
    List<SubInterface> deletes, List<Update> updates, List<SubInterface> creates) {

  /** One sub-interface whose settings change; the name (hence port and tags) stays. */
  public record Update(SubInterface before, SubInterface after) {}

  /** The operations a driver performs for one item; any exception fails only that item. */
  public interface Items {
    void create(SubInterface s) throws Exception;

    void update(SubInterface before, SubInterface after) throws Exception;

    void delete(SubInterface s) throws Exception;
  }

  public ConfigDiff {
    deletes = List.copyOf(deletes);
    updates = List.copyOf(updates);
    creates = List.copyOf(creates);
  }

  /**
   * What turns {@code actual} into {@code desired}.
   *
   * @throws IllegalArgumentException if {@code desired} lists a sub-interface name twice
   */
  public static ConfigDiff between(DeviceConfig actual, DeviceConfig desired, boolean keepUnowned) {
    Map<String, SubInterface> have = byName(actual, "actual");
    Map<String, SubInterface> want = byName(desired, "desired");
    List<SubInterface> deletes = new ArrayList<>();
    List<Update> updates = new ArrayList<>();
    List<SubInterface> creates = new ArrayList<>();
    for (SubInterface h : have.values()) {
      SubInterface w = want.get(h.getName());
      if (w == null) {
        if (!keepUnowned) {
          deletes.add(h);
        }
      } else if (!w.equals(h)) {
        updates.add(new Update(h, w));
      }
    }
    for (SubInterface w : want.values()) {
      if (!have.containsKey(w.getName())) {
        creates.add(w);
      }
    }
    return new ConfigDiff(deletes, updates, creates);
  }

  public boolean isEmpty() {
    return deletes.isEmpty() && updates.isEmpty() && creates.isEmpty();
  }

  /**
   * The difference as a plan shows it for {@code device}: one change per sub-interface, by name.
   */
  public DeviceDiff toDeviceDiff(String device) {
    TreeMap<String, SubInterfaceChange> changes = new TreeMap<>();
    for (SubInterface s : deletes) {
      changes.put(
          s.getName(),
          SubInterfaceChange.newBuilder()
              .setAction(ChangeAction.CHANGE_ACTION_DELETE)
              .setBefore(s)
              .build());
    }
    for (Update u : updates) {
      changes.put(
          u.after().getName(),
          SubInterfaceChange.newBuilder()
              .setAction(ChangeAction.CHANGE_ACTION_UPDATE)
              .setBefore(u.before())
              .setAfter(u.after())
              .build());
    }
    for (SubInterface s : creates) {
      changes.put(
          s.getName(),
          SubInterfaceChange.newBuilder()
              .setAction(ChangeAction.CHANGE_ACTION_CREATE)
              .setAfter(s)
              .build());
    }
    return DeviceDiff.newBuilder().setDevice(device).addAllChanges(changes.values()).build();
  }

  /**
   * Applies every item through {@code items}: deletes first (they free names and tags), then
   * updates, then creates. A failing item does not stop the others.
   *
   * @return one error per failed item, with the exception's message
   */
  public List<ItemError> applyEach(Items items) {
    List<ItemError> errors = new ArrayList<>();
    for (SubInterface s : deletes) {
      attempt(errors, s, () -> items.delete(s));
    }
    for (Update u : updates) {
      attempt(errors, u.after(), () -> items.update(u.before(), u.after()));
    }
    for (SubInterface s : creates) {
      attempt(errors, s, () -> items.create(s));
    }
    return errors;
  }

  private interface Step {
    void run() throws Exception;
  }

  private static void attempt(List<ItemError> errors, SubInterface s, Step step) {
    try {
      step.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      errors.add(error(s, "interrupted"));
    } catch (Exception e) {
      String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
      errors.add(error(s, message));
    }
  }

  private static ItemError error(SubInterface s, String message) {
    return ItemError.newBuilder()
        .setName(s.getName())
        .setAlias(s.getAlias())
        .setMessage(message)
        .build();
  }

  private static Map<String, SubInterface> byName(DeviceConfig config, String what) {
    Map<String, SubInterface> m = new TreeMap<>();
    for (SubInterface s : config.getSubInterfacesList()) {
      if (m.put(s.getName(), s) != null) {
        throw new IllegalArgumentException(
            what + ".sub_interfaces: name '" + s.getName() + "' appears more than once");
      }
    }
    return m;
  }
}
