package org.wayleave.controller.core;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.Council;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.ObjectMeta;
import org.wayleave.api.v1.Resource;
import org.wayleave.api.v1.ResourceKind;
import org.wayleave.api.v1.Site;
import org.wayleave.api.v1.Supplier;
import org.wayleave.api.v1.VlanPool;
import org.wayleave.controller.store.StoreException;

/**
 * Everything generic code needs to know about one stored kind: its store keys, how to read its id
 * and meta, and how to wrap it in a {@link Resource}.
 */
public final class Kind<T extends Message> {
  /** Root of every key Wayleave writes. */
  public static final String ROOT = "/wayleave/v1/";

  public static final Kind<Council> COUNCIL =
      new Kind<>(
          ResourceKind.RESOURCE_KIND_COUNCIL,
          "council",
          "councils",
          Council.parser(),
          Council::getId,
          Council::getMeta,
          (c, m) -> c.toBuilder().setMeta(m).build(),
          c -> Resource.newBuilder().setCouncil(c).build(),
          Resource::getCouncil);
  public static final Kind<Supplier> SUPPLIER =
      new Kind<>(
          ResourceKind.RESOURCE_KIND_SUPPLIER,
          "supplier",
          "suppliers",
          Supplier.parser(),
          Supplier::getId,
          Supplier::getMeta,
          (c, m) -> c.toBuilder().setMeta(m).build(),
          c -> Resource.newBuilder().setSupplier(c).build(),
          Resource::getSupplier);
  public static final Kind<Site> SITE =
      new Kind<>(
          ResourceKind.RESOURCE_KIND_SITE,
          "site",
          "sites",
          Site.parser(),
          Site::getId,
          Site::getMeta,
          (c, m) -> c.toBuilder().setMeta(m).build(),
          c -> Resource.newBuilder().setSite(c).build(),
          Resource::getSite);
  public static final Kind<Device> DEVICE =
      new Kind<>(
          ResourceKind.RESOURCE_KIND_DEVICE,
          "device",
          "devices",
          Device.parser(),
          Device::getId,
          Device::getMeta,
          (c, m) -> c.toBuilder().setMeta(m).build(),
          c -> Resource.newBuilder().setDevice(c).build(),
          Resource::getDevice);
  public static final Kind<VlanPool> VLAN_POOL =
      new Kind<>(
          ResourceKind.RESOURCE_KIND_VLAN_POOL,
          "vlan_pool",
          "vlanpools",
          VlanPool.parser(),
          VlanPool::getId,
          VlanPool::getMeta,
          (c, m) -> c.toBuilder().setMeta(m).build(),
          c -> Resource.newBuilder().setVlanPool(c).build(),
          Resource::getVlanPool);
  public static final Kind<Circuit> CIRCUIT =
      new Kind<>(
          ResourceKind.RESOURCE_KIND_CIRCUIT,
          "circuit",
          "circuits",
          Circuit.parser(),
          Circuit::getId,
          Circuit::getMeta,
          (c, m) -> c.toBuilder().setMeta(m).build(),
          c -> Resource.newBuilder().setCircuit(c).build(),
          Resource::getCircuit);

  /** In dependency order: a kind only refers to kinds before it. */
  public static final List<Kind<?>> ALL =
      List.of(COUNCIL, SUPPLIER, SITE, DEVICE, VLAN_POOL, CIRCUIT);

  /** Where desired state lives: the prefixes of every kind (circuit status is not under any). */
  public static final List<String> DESIRED_PREFIXES = ALL.stream().map(Kind::prefix).toList();

  /** Circuit status lives apart from the spec so status writes never stale a client's etag. */
  public static final String CIRCUIT_STATUS_PREFIX = ROOT + "circuitstatus/";

  private final ResourceKind kind;
  private final String name;
  private final String prefix;
  private final Parser<T> parser;
  private final Function<T, String> id;
  private final Function<T, ObjectMeta> meta;
  private final BiFunction<T, ObjectMeta, T> withMeta;
  private final Function<T, Resource> wrap;
  private final Function<Resource, T> unwrap;

  private Kind(
      ResourceKind kind,
      String name,
      String plural,
      Parser<T> parser,
      Function<T, String> id,
      Function<T, ObjectMeta> meta,
      BiFunction<T, ObjectMeta, T> withMeta,
      Function<T, Resource> wrap,
      Function<Resource, T> unwrap) {
    this.kind = kind;
    this.name = name;
    this.prefix = ROOT + plural + "/";
    this.parser = parser;
    this.id = id;
    this.meta = meta;
    this.withMeta = withMeta;
    this.wrap = wrap;
    this.unwrap = unwrap;
  }

  /** The kind of a wrapped resource. */
  public static Kind<?> of(Resource r) {
    return switch (r.getKindCase()) {
      case COUNCIL -> COUNCIL;
      case SUPPLIER -> SUPPLIER;
      case SITE -> SITE;
      case DEVICE -> DEVICE;
      case VLAN_POOL -> VLAN_POOL;
      case CIRCUIT -> CIRCUIT;
      case KIND_NOT_SET -> null;
    };
  }

  /** The kind for an API enum value, or null for UNSPECIFIED / unknown. */
  public static Kind<?> of(ResourceKind k) {
    for (Kind<?> kind : ALL) {
      if (kind.kind == k) {
        return kind;
      }
    }
    return null;
  }

  /** The kind whose keys start with {@code key}'s prefix, or null. */
  public static Kind<?> ofKey(String key) {
    for (Kind<?> kind : ALL) {
      if (key.startsWith(kind.prefix)) {
        return kind;
      }
    }
    return null;
  }

  public ResourceKind apiKind() {
    return kind;
  }

  /** Snake-case name as used in field paths and messages, e.g. {@code vlan_pool}. */
  public String name() {
    return name;
  }

  /** Key prefix, e.g. {@code /wayleave/v1/circuits/}. */
  public String prefix() {
    return prefix;
  }

  public String key(String id) {
    return prefix + id;
  }

  public String idOf(T obj) {
    return id.apply(obj);
  }

  public ObjectMeta metaOf(T obj) {
    return meta.apply(obj);
  }

  public T withMeta(T obj, ObjectMeta m) {
    return withMeta.apply(obj, m);
  }

  public Resource wrap(T obj) {
    return wrap.apply(obj);
  }

  public T unwrap(Resource r) {
    return unwrap.apply(r);
  }

  /** {@link #idOf} for a message known to be of this kind. */
  public String idOfAny(Message m) {
    return id.apply(cast(m));
  }

  /** {@link #metaOf} for a message known to be of this kind. */
  public ObjectMeta metaOfAny(Message m) {
    return meta.apply(cast(m));
  }

  /** {@link #wrap} for a message known to be of this kind. */
  public Resource wrapAny(Message m) {
    return wrap.apply(cast(m));
  }

  /** {@link #withMeta} for a message known to be of this kind. */
  public Message withMetaAny(Message m, ObjectMeta meta) {
    return withMeta.apply(cast(m), meta);
  }

  @SuppressWarnings("unchecked")
  public T cast(Message m) {
    return (T) m;
  }

  public T parse(String key, byte[] bytes) {
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new StoreException("stored value of " + key + " is not a valid " + name, e);
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
