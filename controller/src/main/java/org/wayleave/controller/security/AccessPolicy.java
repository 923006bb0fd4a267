package org.wayleave.controller.security;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.wayleave.base.pki.Identity;

/**
 * Who may do what: the controller's policy file (YAML). Identities are the principals certificates
 * carry, {@code <role>:<name>}; a certificate from the deployment's CA gives its holder the role in
 * its name unless the policy says otherwise.
 *
 * <pre>
 * roles:                 # a role other than the certificate's
 *   engineer:alice: noc
 * refused:               # identities refused outright (a lost laptop, a supplier that left)
 *   - supplier:old-carrier
 * suppliers:             # councils each supplier may act for; unlisted: its Supplier record's councils
 *   quillon-carrier: [camden, islington]
 * tokens:                # HTTP bearer tokens by SHA-256 (wayleave certs token makes one)
 *   noc:wall: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
 * http:
 *   anonymousRead: false # true: the dashboard and GET API without signing in
 * rateLimits:            # calls a second per principal, by role (bursts of 5 s); 0: unlimited
 *   supplier: 20
 *   noc: 50
 *   engineer: 0
 * maxWatchesPerPrincipal: 8
 * </pre>
 */
public final class AccessPolicy {
  private static final Pattern PRINCIPAL =
      Pattern.compile("([a-z]+):(" + Identity.NAME.pattern() + ")");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  /** The file's shape; unknown keys are refused. */
  static final class File {
    @JsonProperty Map<String, String> roles = Map.of();
    @JsonProperty List<String> refused = List.of();
    @JsonProperty Map<String, List<String>> suppliers = Map.of();
    @JsonProperty Map<String, String> tokens = Map.of();
    @JsonProperty Http http = new Http();
    @JsonProperty Map<String, Integer> rateLimits = Map.of();
    @JsonProperty Integer maxWatchesPerPrincipal;
  }

  static final class Http {
    @JsonProperty boolean anonymousRead;
  }

  /** Default calls a second by role when the file names none. */
  private static final Map<Identity.Role, Integer> DEFAULT_RATES =
      Map.of(Identity.Role.SUPPLIER, 20, Identity.Role.NOC, 50, Identity.Role.ENGINEER, 0);

  public static final int DEFAULT_MAX_WATCHES = 8;

  private final Map<String, Identity.Role> roles;
  private final Set<String> refused;
  private final Map<String, Set<String>> suppliers;
  private final Map<String, String> tokens; // sha256 hex -> principal
  private final boolean anonymousRead;
  private final Map<Identity.Role, Integer> rates;
  private final int maxWatches;

  private AccessPolicy(File f) {
    Map<String, Identity.Role> r = new LinkedHashMap<>();
    f.roles.forEach(
        (who, role) -> {
          principal("roles." + who, who);
          try {
            r.put(who, Identity.Role.of(role));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("roles." + who + ": " + e.getMessage());
          }
        });
    for (int i = 0; i < f.refused.size(); i++) {
      principal("refused[" + i + "]", f.refused.get(i));
    }
    Map<String, Set<String>> s = new LinkedHashMap<>();
    f.suppliers.forEach(
        (id, councils) -> {
          slug("suppliers." + id, id);
          for (int i = 0; i < councils.size(); i++) {
            slug("suppliers." + id + "[" + i + "]", councils.get(i));
          }
          s.put(id, Set.copyOf(councils));
        });
    Map<String, String> t = new LinkedHashMap<>();
    f.tokens.forEach(
        (who, hash) -> {
          principal("tokens." + who, who);
          if (hash == null || !SHA256.matcher(hash).matches()) {
            throw new IllegalArgumentException(
                "tokens." + who + ": must be the token's SHA-256 as 64 lower-case hex digits");
          }
          if (t.put(hash, who) != null) {
            throw new IllegalArgumentException(
                "tokens." + who + ": the same token is bound to another principal");
          }
        });
    Map<Identity.Role, Integer> rl = new EnumMap<>(Identity.Role.class);
    rl.putAll(DEFAULT_RATES);
    f.rateLimits.forEach(
        (role, n) -> {
          Identity.Role ro;
          try {
            ro = Identity.Role.of(role);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rateLimits." + role + ": " + e.getMessage());
          }
          if (n == null || n < 0) {
            throw new IllegalArgumentException(
                "rateLimits."
                    + role
                    + ": must be 0 (unlimited) or a positive number of calls a second");
          }
          rl.put(ro, n);
        });
    if (f.maxWatchesPerPrincipal != null && f.maxWatchesPerPrincipal < 1) {
      throw new IllegalArgumentException(
          "maxWatchesPerPrincipal: must be at least 1 (got " + f.maxWatchesPerPrincipal + ")");
    }
    this.roles = Map.copyOf(r);
    this.refused = Set.copyOf(f.refused);
    this.suppliers = Map.copyOf(s);
    this.tokens = Map.copyOf(t);
    this.anonymousRead = f.http != null && f.http.anonymousRead;
    this.rates = Map.copyOf(rl);
    this.maxWatches =
        f.maxWatchesPerPrincipal == null ? DEFAULT_MAX_WATCHES : f.maxWatchesPerPrincipal;
  }

  private static void principal(String field, String who) {
    var m = who == null ? null : PRINCIPAL.matcher(who);
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException(
          field + ": must be a principal <role>:<name>, e.g. supplier:quillon-carrier");
    }
    try {
      Identity.Role.of(m.group(1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage());
    }
  }

  private static void slug(String field, String id) {
    if (id == null || !Identity.NAME.matcher(id).matches()) {
      throw new IllegalArgumentException(field + ": must be a lower-case id (got '" + id + "')");
    }
  }

  /** Certificates' roles as they are, no tokens, no anonymous reading, default rate limits. */
  public static AccessPolicy defaults() {
    return new AccessPolicy(new File());
  }

  /**
   * Reads a policy file.
   *
   * @throws IllegalArgumentException naming the file, the key and the rule broken
   */
  public static AccessPolicy load(Path file) throws IOException {
    return parse(Files.readString(file), file.toString());
  }

  /** As {@link #load} from text; {@code source} names it in errors. */
  public static AccessPolicy parse(String yaml, String source) {
    ObjectMapper mapper =
        new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    File f;
    try {
      f = yaml.isBlank() ? new File() : mapper.readValue(yaml, File.class);
    } catch (UnrecognizedPropertyException e) {
      throw new IllegalArgumentException(
          source
              + ": unknown key '"
              + e.getPropertyName()
              + "'; the keys are roles, refused, suppliers, tokens, http, rateLimits,"
              + " maxWatchesPerPrincipal");
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(source + ": not a policy file: " + e.getOriginalMessage());
    }
    if (f == null) {
      f = new File();
    }
    try {
      return new AccessPolicy(f);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
  }

  /** The caller a certificate's identity is, or empty when the policy refuses it. */
  public Optional<Caller> resolve(Identity id) {
    return caller(id.principal(), id.role(), id.name());
  }

  private Optional<Caller> caller(String principal, Identity.Role certRole, String name) {
    if (refused.contains(principal)) {
      return Optional.empty();
    }
    return Optional.of(new Caller(principal, roles.getOrDefault(principal, certRole), name));
  }

  /**
   * The caller a bearer token is bound to, or empty when no principal holds it (or it is refused).
   */
  public Optional<Caller> byToken(String token) {
    if (token == null || token.isEmpty()) {
      return Optional.empty();
    }
    String who = tokens.get(sha256(token));
    if (who == null) {
      return Optional.empty();
    }
    var m = PRINCIPAL.matcher(who);
    m.matches();
    return caller(who, Identity.Role.of(m.group(1)), m.group(2));
  }

  /** The SHA-256 of a token as the policy file holds it. */
  public static String sha256(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The councils the policy lets {@code supplier} act for, or empty when its Supplier record
   * decides.
   */
  public Optional<Set<String>> supplierCouncils(String supplier) {
    return Optional.ofNullable(suppliers.get(supplier));
  }

  /** Whether the HTTP API and dashboard may be read without signing in. */
  public boolean anonymousRead() {
    return anonymousRead;
  }

  /** Calls a second a principal of {@code role} may make; 0 for no limit. */
  public int rateLimit(Identity.Role role) {
    return rates.getOrDefault(role, 0);
  }

  /** Watch streams one principal may hold open at once. */
  public int maxWatchesPerPrincipal() {
    return maxWatches;
  }
}
