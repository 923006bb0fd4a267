package org.wayleave.controller.northbound;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitStatus;
import org.wayleave.api.v1.EventType;
import org.wayleave.api.v1.ObjectMeta;
import org.wayleave.api.v1.Resource;
import org.wayleave.api.v1.ResourceKind;
import org.wayleave.api.v1.WatchEvent;
import org.wayleave.api.v1.WatchRequest;
import org.wayleave.controller.core.ApiException;
import org.wayleave.controller.core.ErrorCode;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.ResourceCache;
import org.wayleave.controller.store.KeyValue;
import org.wayleave.controller.store.StateStore;
import org.wayleave.controller.store.StoreEvent;
import org.wayleave.controller.store.Watch;
import org.wayleave.controller.store.WatchListener;

/**
 * Serves {@code Watch}: a store watch from the requested revision, turned into API events. A
 * circuit status change is delivered as the circuit (current spec) with its new status.
 */
final class WatchStreams {
  private static final Logger log = LoggerFactory.getLogger(WatchStreams.class);

  /**
   * Events a Watch may have queued for a client that is not reading (beyond gRPC's flow-control
   * window) before the stream is ended with {@code RESOURCE_EXHAUSTED} and the revision to resume
   * from.
   */
  static final int MAX_UNREAD_EVENTS = 10_000;

  private final StateStore store;
  private final ResourceCache cache;

  WatchStreams(StateStore store, ResourceCache cache) {
    this.store = store;
    this.cache = cache;
  }

  void start(WatchRequest req, StreamObserver<WatchEvent> out) {
    ServerCallStreamObserver<WatchEvent> call = (ServerCallStreamObserver<WatchEvent>) out;
    // Listeners run on the store's thread, outside the call's context: the caller's scope is taken
    // now.
    Scope scope = Scope.current();
    String who = Principals.current();
    Set<ResourceKind> kinds;
    try {
      kinds = validate(req);
    } catch (ApiException e) {
      out.onError(Statuses.toStatus(e));
      return;
    }
    Forwarder forwarder = new Forwarder(req, call, kinds, scope, who);
    call.setOnReadyHandler(forwarder::drained);
    call.setOnCancelHandler(forwarder::closeWatch);
    try {
      forwarder.watch.set(store.watch(Kind.ROOT, req.getFromRevision(), forwarder));
    } catch (RuntimeException e) {
      out.onError(Statuses.toStatus(e));
      return;
    }
    if (call.isCancelled()) {
      forwarder.watch.get().close();
    }
    log.debug("watch from revision {} started for {}", req.getFromRevision(), Principals.current());
  }

  /**
   * The kinds {@code req} asks for, once its revision is known to be within the store's.
   *
   * @throws ApiException if a kind or the revision is not valid
   */
  private Set<ResourceKind> validate(WatchRequest req) {
    Set<ResourceKind> kinds = kinds(req);
    long now = store.revision();
    if (req.getFromRevision() < 0) {
      throw ApiException.of(
          ErrorCode.INVALID_ARGUMENT,
          "from_revision",
          "must not be negative (got " + req.getFromRevision() + ")");
    }
    if (req.getFromRevision() > now) {
      throw ApiException.of(
          ErrorCode.OUT_OF_RANGE,
          "from_revision",
          "revision " + req.getFromRevision() + " is ahead of the store, which is at " + now);
    }
    return kinds;
  }

  /**
   * Hands one Watch call's store events to its client as API events, and ends the call when the
   * client falls too far behind or the store watch fails.
   */
  private final class Forwarder implements WatchListener {
    private final WatchRequest req;
    private final ServerCallStreamObserver<WatchEvent> call;
    private final Set<ResourceKind> kinds;
    private final Scope scope;
    private final String who;
    private final Object lock = new Object();
    // Events handed to gRPC while the client was not reading; reset whenever the stream drains.
    private final AtomicInteger unread = new AtomicInteger();
    final AtomicReference<Watch> watch = new AtomicReference<>();
    private boolean ended; // guarded by lock

    Forwarder(
        WatchRequest req,
        ServerCallStreamObserver<WatchEvent> call,
        Set<ResourceKind> kinds,
        Scope scope,
        String who) {
      this.req = req;
      this.call = call;
      this.kinds = kinds;
      this.scope = scope;
      this.who = who;
    }

    /** The client read everything handed to gRPC. */
    void drained() {
      unread.set(0);
    }

    void closeWatch() {
      Watch w = watch.get();
      if (w != null) {
        w.close();
      }
    }

    @Override
    public void onEvents(long revision, List<StoreEvent> events) {
      for (StoreEvent e : events) {
        WatchEvent ev = convert(e, kinds, req, scope);
        if (ev != null && !send(ev, revision)) {
          return;
        }
      }
    }

    /** Sends one event of {@code revision}; false when the call has ended (or ends now). */
    private boolean send(WatchEvent ev, long revision) {
      synchronized (lock) {
        if (call.isCancelled() || ended) {
          return false;
        }
        if (!call.isReady() && unread.incrementAndGet() > MAX_UNREAD_EVENTS) {
          // A client that stopped reading would otherwise make the server buffer without end.
          ended = true;
          log.warn("watch of {} fell {} events behind; ending it", who, MAX_UNREAD_EVENTS);
          call.onError(
              Status.RESOURCE_EXHAUSTED
                  .withDescription(
                      "the client fell "
                          + MAX_UNREAD_EVENTS
                          + " events behind: watch again with from_revision "
                          + revision
                          + " to resume")
                  .asRuntimeException());
          closeWatch();
          return false;
        }
        call.onNext(ev);
        return true;
      }
    }

    @Override
    public void onError(Throwable error) {
      synchronized (lock) {
        if (!call.isCancelled() && !ended) {
          ended = true;
          call.onError(Statuses.toStatus(error));
        }
      }
    }
  }

  private static Set<ResourceKind> kinds(WatchRequest req) {
    Set<ResourceKind> kinds = EnumSet.noneOf(ResourceKind.class);
    for (int i = 0; i < req.getKindsCount(); i++) {
      ResourceKind k = req.getKinds(i);
      if (Kind.of(k) == null) {
        throw ApiException.of(
            ErrorCode.INVALID_ARGUMENT,
            "kinds[" + i + "]",
            "is not a resource kind (got " + k + ")");
      }
      kinds.add(k);
    }
    return kinds;
  }

  private WatchEvent convert(StoreEvent e, Set<ResourceKind> kinds, WatchRequest req, Scope scope) {
    String key = e.kv().key();
    boolean status = key.startsWith(Kind.CIRCUIT_STATUS_PREFIX);
    Kind<?> kind = status ? Kind.CIRCUIT : Kind.ofKey(key);
    if (kind == null || (!kinds.isEmpty() && !kinds.contains(kind.apiKind()))) {
      return null;
    }
    KeyValue kv = e.type() == StoreEvent.Type.DELETE ? e.prevKv() : e.kv();
    if (kv == null) {
      return null;
    }
    Resource resource;
    EventType type =
        e.type() == StoreEvent.Type.PUT ? EventType.EVENT_TYPE_PUT : EventType.EVENT_TYPE_DELETE;
    if (status) {
      if (e.type() == StoreEvent.Type.DELETE) {
        return null; // the circuit's own delete event says it
      }
      resource =
          Kind.CIRCUIT.wrap(statusChange(key.substring(Kind.CIRCUIT_STATUS_PREFIX.length()), kv));
    } else {
      Message obj = kind.parse(key, kv.value());
      ObjectMeta meta =
          kind.metaOfAny(obj).toBuilder()
              .setRevision(kv.modRevision())
              .setCreateRevision(kv.createRevision())
              .build();
      obj = kind.withMetaAny(obj, meta);
      if (obj instanceof Circuit c && e.type() == StoreEvent.Type.PUT) {
        obj = cache.withStatus(c);
      }
      resource = kind.wrapAny(obj);
    }
    if (resource.hasCircuit() && !matches(resource.getCircuit(), req)) {
      return null;
    }
    if (!scope.isAll() && !scope.sees(Kind.of(resource).unwrap(resource))) {
      return null;
    }
    Instant now = Instant.now();
    return WatchEvent.newBuilder()
        .setRevision(e.revision())
        .setType(type)
        .setResource(resource)
        .setTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
        .build();
  }

  private Circuit statusChange(String id, KeyValue kv) {
    CircuitStatus st;
    try {
      st = CircuitStatus.parseFrom(kv.value());
    } catch (InvalidProtocolBufferException ex) {
      st = CircuitStatus.getDefaultInstance();
    }
    Circuit spec = cache.get(Kind.CIRCUIT, id);
    Circuit base = spec != null ? spec : Circuit.newBuilder().setId(id).build();
    return base.toBuilder().setStatus(st).build();
  }

  private static boolean matches(Circuit c, WatchRequest req) {
    return (req.getCouncil().isEmpty() || c.getSpec().getCouncil().equals(req.getCouncil()))
        && (req.getSupplier().isEmpty() || c.getSpec().getSupplier().equals(req.getSupplier()));
  }
}
