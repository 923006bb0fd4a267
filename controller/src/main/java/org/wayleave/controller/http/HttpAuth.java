package org.wayleave.controller.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.ext.web.sstore.LocalSessionStore;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.base.pki.Identity;
import org.wayleave.base.pki.Pki;
import org.wayleave.controller.core.ErrorCode;
import org.wayleave.controller.core.Violation;
import org.wayleave.controller.security.AccessPolicy;
import org.wayleave.controller.security.Caller;

/**
 * Who an HTTP request comes from, and whether it may have what it asks for: the HTTP API ({@code
 * /api/v1/}, its event stream) and {@code /metrics}. {@code /healthz}, {@code /readyz} and the
 * dashboard's static files are mounted outside it and always answer.
 *
 * <p>The caller is, first that applies:
 *
 * <ol>
 *   <li>the identity in the client certificate the TLS handshake verified against the deployment's
 *       CA (HTTPS asks for one but does not require it), as the {@link AccessPolicy} resolves it;
 *   <li>the principal an {@code Authorization: Bearer <token>} header's token is bound to in the
 *       policy (which holds tokens by SHA-256 only);
 *   <li>the principal of a session: {@code POST /api/v1/session} with {@code {"token": "..."}}
 *       signs in, {@code DELETE} signs out, {@code GET} says who the caller is;
 *   <li>nobody; on a controller started {@code --insecure} (plaintext) that is {@link
 *       Caller#insecure}, who has every right, as on the gRPC ports.
 * </ol>
 *
 * Credentials that are presented but wrong are refused rather than ignored (401; a certificate the
 * policy refuses, 403). Reads need an engineer or NOC caller unless the policy's {@code
 * http.anonymousRead} lets anybody read; writes (anything but GET, HEAD, OPTIONS) always need one.
 * Anybody else is answered 401; a supplier, agent or controller 403: the HTTP API is not scoped by
 * supplier tenancy, so suppliers use gRPC.
 *
 * <p>Sessions are Vert.x web sessions in memory (a restart signs everyone out): the cookie carries
 * a random id, never the token, so a leaked cookie expires (after {@link #SESSION_IDLE} unused, and
 * at most {@link #SESSION_MAX} after signing in) and signing out really ends it. The cookie is
 * {@code HttpOnly}, {@code SameSite=Strict}, and {@code Secure} over HTTPS. Against cross-site
 * requests, every write whose {@code Origin} (or {@code Sec-Fetch-Site}) shows another site is
 * refused, and a write authenticated by the cookie (and signing in or out) must also carry {@value
 * #CSRF_HEADER}, which a cross-site form cannot send (the dashboard sends it on every request).
 *
 * <p>Tokens are never logged nor put in an answer.
 */
public final class HttpAuth {
  private static final Logger log = LoggerFactory.getLogger(HttpAuth.class);

  public static final String SESSION_COOKIE = "wayleave-session";

  /** The header a cookie-authenticated write must carry (any value). */
  public static final String CSRF_HEADER = "X-Requested-With";

  public static final String SESSION_PATH = "/api/v1/session";

  /** A session unused this long ends. */
  public static final Duration SESSION_IDLE = Duration.ofHours(12);

  /** A session ends this long after signing in, however much it is used. */
  public static final Duration SESSION_MAX = Duration.ofHours(24);

  private static final Set<HttpMethod> READS =
      Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
  private static final String CALLER_KEY = "wayleave.caller";
  private static final String VIA_KEY = "wayleave.via";
  private static final String S_PRINCIPAL = "principal";
  private static final String S_ROLE = "role";
  private static final String S_NAME = "name";
  private static final String S_SINCE = "signedInAt";
  private static final String WHO_MAY =
      "an engineer or NOC caller: a client certificate from this deployment's CA, Authorization:"
          + " Bearer <token> with a token from the access policy, or a session signed in with one"
          + " (POST "
          + SESSION_PATH
          + ")";

  /** How the caller was identified. */
  public enum Via {
    CERTIFICATE,
    TOKEN,
    SESSION,
    INSECURE,
    NONE;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private record Identified(Caller caller, Via via, boolean staleSession) {}

  /** A refusal: the status, the violated field and why. */
  private static final class Refused extends Exception {
    final int status;
    final String field;

    Refused(int status, String field, String message) {
      super(message, null, false, false);
      this.status = status;
      this.field = field;
    }
  }

  private final AccessPolicy policy;
  private final boolean tls;

  /**
   * @param tls whether the port serves HTTPS; false is {@code --insecure}
   */
  public HttpAuth(AccessPolicy policy, boolean tls) {
    this.policy = policy;
    this.tls = tls;
  }

  /**
   * Mounts authentication on {@code /api/v1/*} and {@code /metrics}, and the session routes; before
   * the API's routes.
   */
  public void mount(Vertx vertx, Router r) {
    SessionHandler sessions =
        SessionHandler.create(LocalSessionStore.create(vertx, "wayleave.http-sessions"))
            .setSessionCookieName(SESSION_COOKIE)
            .setSessionCookiePath("/")
            .setCookieHttpOnlyFlag(true)
            .setCookieSecureFlag(tls)
            .setCookieSameSite(CookieSameSite.STRICT)
            .setSessionTimeout(SESSION_IDLE.toMillis())
            // A session is stored (and its cookie set) only once it holds a principal: anonymous
            // requests make none.
            .setLazySession(true)
            .setMinLength(32);
    // The body first: the session lookup is asynchronous.
    r.route("/api/v1/*").handler(BodyHandler.create().setBodyLimit(64 * 1024));
    for (String path : List.of("/api/v1/*", "/metrics")) {
      r.route(path).handler(sessions).handler(this::authorise);
    }
    r.get(SESSION_PATH).handler(ctx -> Json.ok(ctx, whoami(ctx)));
    r.post(SESSION_PATH).handler(this::signIn);
    r.delete(SESSION_PATH).handler(this::signOut);
  }

  /** The request's caller; null only for an anonymous read on a TLS port. */
  public static Caller caller(RoutingContext ctx) {
    return ctx.get(CALLER_KEY);
  }

  /**
   * Whether the caller proved who it is (certificate, token or session), rather than being {@code
   * --insecure}'s anybody.
   */
  public static boolean authenticated(RoutingContext ctx) {
    Via v = ctx.get(VIA_KEY);
    return v == Via.CERTIFICATE || v == Via.TOKEN || v == Via.SESSION;
  }

  /** Engineers and the NOC: the roles the HTTP API serves. */
  static boolean servedRole(Caller c) {
    return c != null && (c.is(Identity.Role.ENGINEER) || c.is(Identity.Role.NOC));
  }

  private void authorise(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    boolean write = !READS.contains(req.method());
    try {
      if (write) {
        sameSite(req);
      }
      Identified id = identify(ctx);
      ctx.put(CALLER_KEY, id.caller());
      ctx.put(VIA_KEY, id.via());
      boolean session = sessionPath(ctx);
      if (write && (session || id.via() == Via.SESSION)) {
        String h = req.getHeader(CSRF_HEADER);
        if (h == null || h.isBlank()) {
          throw new Refused(
              403,
              CSRF_HEADER,
              (session ? "signing in or out" : "a write authenticated by the session cookie")
                  + " must carry the "
                  + CSRF_HEADER
                  + " header, as the dashboard does (a defence against cross-site requests); "
                  + "scripts should send Authorization: Bearer <token> instead");
        }
      }
      if (session || (!write && policy.anonymousRead())) {
        ctx.next();
        return;
      }
      Caller c = id.caller();
      if (c == null) {
        throw new Refused(
            401,
            "credentials",
            (id.staleSession()
                    ? "the session has ended (signed out, expired, or the "
                        + "controller restarted): sign in again. "
                    : "")
                + (write ? "This change" : "Reading the HTTP API")
                + " needs "
                + WHO_MAY);
      }
      if (!servedRole(c)) {
        throw new Refused(
            403,
            "role",
            c.principal()
                + " is a "
                + c.role().label()
                + ": the HTTP API and dashboard are for "
                + "engineers and the NOC"
                + (c.is(Identity.Role.SUPPLIER)
                    ? "; suppliers use the gRPC API, scoped to their councils"
                    : ""));
      }
      ctx.next();
    } catch (Refused e) {
      refuse(ctx, e);
    }
  }

  private static boolean sessionPath(RoutingContext ctx) {
    String p = ctx.normalizedPath();
    return p.equals(SESSION_PATH) || p.equals(SESSION_PATH + "/");
  }

  private static void refuse(RoutingContext ctx, Refused e) {
    String code = e.status == 401 ? "UNAUTHENTICATED" : "PERMISSION_DENIED";
    if (e.status == 401) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"wayleave\"");
    }
    // (The violation's own code is not in the answer; ErrorCode has no UNAUTHENTICATED.)
    Json.error(
        ctx,
        e.status,
        code,
        e.getMessage(),
        List.of(new Violation(ErrorCode.PERMISSION_DENIED, e.field, e.getMessage())));
  }

  private Identified identify(RoutingContext ctx) throws Refused {
    HttpServerRequest req = ctx.request();
    X509Certificate cert = tls ? peer(req) : null;
    if (cert != null) {
      Identity id =
          Pki.identityOf(cert)
              .orElseThrow(
                  () ->
                      new Refused(
                          401,
                          "certificate",
                          "the client certificate carries no wayleave://<role>/<name> identity"
                              + " (issue one with wayleave certs issue)"));
      Caller c = policy.resolve(id).orElse(null);
      if (c == null) {
        log.warn("HTTP: refused {} from {}: the policy refuses it", id.principal(), remote(req));
        throw new Refused(403, "certificate", id.principal() + " is refused by the access policy");
      }
      return new Identified(c, Via.CERTIFICATE, false);
    }
    String authorization = req.getHeader("Authorization");
    if (authorization != null) {
      int sp = authorization.indexOf(' ');
      if (sp < 0
          || !authorization.substring(0, sp).equalsIgnoreCase("Bearer")
          || authorization.substring(sp + 1).isBlank()) {
        throw new Refused(
            401, "Authorization", "must be Bearer <token>; no other scheme is accepted");
      }
      Caller c = policy.byToken(authorization.substring(sp + 1).strip()).orElse(null);
      if (c == null) {
        log.warn(
            "HTTP: refused a bearer token from {}: not one the policy holds, or its principal is"
                + " refused",
            remote(req));
        throw new Refused(
            401,
            "Authorization",
            "the bearer token is not one the access policy holds, or its principal is refused");
      }
      return new Identified(c, Via.TOKEN, false);
    }
    boolean stale = false;
    // The session handler drops a cookie whose session it does not know; only a known one is read
    // (reading a session marks it used, and a used session is stored).
    if (req.getCookie(SESSION_COOKIE) != null && ctx.session() != null) {
      Session s = ctx.session();
      String principal = s.get(S_PRINCIPAL);
      Long since = s.get(S_SINCE);
      if (principal != null
          && since != null
          && System.currentTimeMillis() - since <= SESSION_MAX.toMillis()) {
        return new Identified(
            new Caller(principal, Identity.Role.of(s.get(S_ROLE)), s.get(S_NAME)),
            Via.SESSION,
            false);
      }
      if (sessionPath(ctx)) {
        // Signing in again: the session is reused under a new id.
        s.remove(S_PRINCIPAL);
        s.remove(S_SINCE);
      } else {
        s.destroy(); // ended: its cookie is cleared
      }
      stale = true;
    } else {
      String cookies = req.getHeader("Cookie");
      stale = cookies != null && cookies.contains(SESSION_COOKIE + "=");
    }
    return tls
        ? new Identified(null, Via.NONE, stale)
        : new Identified(Caller.insecure(remote(req)), Via.INSECURE, stale);
  }

  /** The verified client certificate, or null when the client sent none. */
  private static X509Certificate peer(HttpServerRequest req) {
    if (!req.isSSL()) {
      return null;
    }
    try {
      List<Certificate> chain = req.connection().peerCertificates();
      return chain != null && !chain.isEmpty() && chain.get(0) instanceof X509Certificate x
          ? x
          : null;
    } catch (SSLPeerUnverifiedException none) {
      return null;
    }
  }

  private static String remote(HttpServerRequest req) {
    return req.remoteAddress() == null ? "unknown" : req.remoteAddress().hostAddress();
  }

  /**
   * Refuses a write a browser made for another site: one whose {@code Sec-Fetch-Site} is {@code
   * cross-site} or {@code same-site}, or whose {@code Origin} is not this controller's host and
   * port. Clients that send neither (scripts, the JDK's client, curl) pass.
   */
  private static void sameSite(HttpServerRequest req) throws Refused {
    String site = req.getHeader("Sec-Fetch-Site");
    if (site != null
        && (site.equalsIgnoreCase("cross-site") || site.equalsIgnoreCase("same-site"))) {
      throw new Refused(
          403, "Origin", "a write from another site is refused (Sec-Fetch-Site: " + site + ")");
    }
    String origin = req.getHeader("Origin");
    if (origin == null) {
      return;
    }
    HostAndPort self = req.authority();
    if (self == null || !sameOrigin(origin, self)) {
      throw new Refused(
          403,
          "Origin",
          "a write from another site is refused: Origin "
              + abbreviate(origin)
              + " is not this controller ("
              + (self == null ? "no Host header" : self.toString())
              + ")");
    }
  }

  static boolean sameOrigin(String origin, HostAndPort self) {
    URI o;
    try {
      o = new URI(origin);
    } catch (URISyntaxException e) {
      return false;
    }
    if (o.getScheme() == null || o.getHost() == null) {
      return false; // "null": a sandboxed frame or a file
    }
    int dflt = o.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    int originPort = o.getPort() == -1 ? dflt : o.getPort();
    int selfPort = self.port() == -1 ? dflt : self.port();
    return bare(o.getHost()).equalsIgnoreCase(bare(self.host())) && originPort == selfPort;
  }

  private static String bare(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static String abbreviate(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "…";
  }

  /**
   * {@code {"signedIn", "principal", "role", "via", "canRead", "canWrite", "anonymousRead", "tls"}}
   * for the caller.
   */
  private JsonObject whoami(RoutingContext ctx) {
    Caller c = caller(ctx);
    Via via = ctx.get(VIA_KEY);
    boolean served = servedRole(c);
    return new JsonObject()
        .put("signedIn", authenticated(ctx))
        .put("principal", c == null ? "" : c.principal())
        .put("role", c == null ? "" : c.role().label())
        .put("via", via.label())
        .put("canRead", served || policy.anonymousRead())
        .put("canWrite", served)
        .put("anonymousRead", policy.anonymousRead())
        .put("tls", tls);
  }

  private void signIn(RoutingContext ctx) {
    String token;
    try {
      token = ctx.body().asJsonObject().getString("token");
    } catch (RuntimeException e) {
      token = null;
    }
    if (token == null || token.isBlank()) {
      Json.error(
          ctx,
          400,
          "INVALID_ARGUMENT",
          "the body must be a JSON object {\"token\": \"...\"} with a token from the access policy",
          List.of(new Violation(ErrorCode.INVALID_ARGUMENT, "token", "required")));
      return;
    }
    Caller c = policy.byToken(token.strip()).orElse(null);
    if (c == null) {
      log.warn(
          "HTTP: refused a sign-in from {}: not a token the policy holds, or its principal is"
              + " refused",
          remote(ctx.request()));
      refuse(
          ctx,
          new Refused(
              401, "token", "not a token the access policy holds, or its principal is refused"));
      return;
    }
    if (!servedRole(c)) {
      refuse(
          ctx,
          new Refused(
              403,
              "role",
              c.principal()
                  + " is a "
                  + c.role().label()
                  + ": the dashboard is for engineers and the NOC, so it may not sign in here"));
      return;
    }
    Session s = ctx.session();
    // A new id at every sign-in: a session id planted before signing in is worth nothing after.
    s.regenerateId();
    s.put(S_PRINCIPAL, c.principal())
        .put(S_ROLE, c.role().label())
        .put(S_NAME, c.name())
        .put(S_SINCE, System.currentTimeMillis());
    log.info("HTTP: {} signed in from {}", c.principal(), remote(ctx.request()));
    ctx.put(CALLER_KEY, c);
    ctx.put(VIA_KEY, Via.SESSION);
    Json.ok(ctx, whoami(ctx));
  }

  private void signOut(RoutingContext ctx) {
    if (ctx.get(VIA_KEY) == Via.SESSION) {
      log.info("HTTP: {} signed out from {}", caller(ctx).principal(), remote(ctx.request()));
      ctx.put(CALLER_KEY, tls ? null : Caller.insecure(remote(ctx.request())));
      ctx.put(VIA_KEY, tls ? Via.NONE : Via.INSECURE);
    }
    if (ctx.request().getCookie(SESSION_COOKIE) != null) {
      ctx.session().destroy(); // and its cookie cleared
    }
    Json.ok(ctx, whoami(ctx));
  }
}
