package org.wayleave.controller.core;

import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.wayleave.api.v1.Resource;
import org.wayleave.api.v1.ResourceRef;

/**
 * One operation of a batch.
 *
 * @param mode what to do
 * @param kind the object's kind; null when the request named none (refused by validation)
 * @param id the object's id
 * @param obj the object to write; null for deletes
 * @param expectedRevision the optimistic-concurrency precondition; 0 for none
 * @param field the field path of this item in the request, prefixed to every violation ("" for a
 *     single-object request)
 */
public record Op(
    Mode mode, Kind<?> kind, String id, Message obj, long expectedRevision, String field) {
  /** What an operation does. */
  public enum Mode {
    /** Must not exist yet. */
    CREATE,
    /** Must exist. */
    UPDATE,
    /** Created if absent, updated if present, left alone if identical. */
    UPSERT,
    /** Must exist. */
    DELETE
  }

  public Op {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(field, "field");
  }

  /** An op writing {@code obj}, taking the precondition from its {@code meta.revision}. */
  public static <T extends Message> Op write(Mode mode, Kind<T> kind, T obj, String field) {
    return new Op(mode, kind, kind.idOf(obj), obj, kind.metaOf(obj).getRevision(), field);
  }

  /** An op writing the object wrapped in {@code r}. */
  public static Op write(Mode mode, Resource r, String field) {
    Kind<?> kind = Kind.of(r);
    if (kind == null) {
      return new Op(mode, null, "", null, 0, field);
    }
    return wrapped(mode, kind, r, field);
  }

  private static <T extends Message> Op wrapped(Mode mode, Kind<T> kind, Resource r, String field) {
    return write(mode, kind, kind.unwrap(r), field + "." + kind.name());
  }

  /** An UPSERT of each resource, field paths {@code prefix[i]}: a manifest or seed as a batch. */
  public static List<Op> upserts(List<Resource> resources, String prefix) {
    List<Op> ops = new ArrayList<>(resources.size());
    for (int i = 0; i < resources.size(); i++) {
      ops.add(write(Mode.UPSERT, resources.get(i), prefix + "[" + i + "]"));
    }
    return ops;
  }

  public static Op delete(Kind<?> kind, String id, long expectedRevision, String field) {
    return new Op(Mode.DELETE, kind, id, null, expectedRevision, field);
  }

  /** A delete of the object {@code ref} names. */
  public static Op delete(ResourceRef ref, String field) {
    return delete(Kind.of(ref.getKind()), ref.getId(), 0, field);
  }
}
