/**
 * The deployment's own CA and the certificates it issues (ECDSA P-256, PEM): who a caller is comes
 * from its certificate's {@code wayleave://<role>/<name>} SAN ({@link
 * org.wayleave.base.pki.Identity}), and {@link org.wayleave.base.pki.TlsFiles} turns the files into
 * gRPC credentials for either side.
 */
package org.wayleave.base.pki;
