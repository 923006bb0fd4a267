/**
 * The deployment's own CA and the certificates it issues (an RSA 3072 CA, ECDSA P-256 holders,
 * PEM): who a caller is comes from its certificate's {@code wayleave://<role>/<name>} SAN ({@link
 * org.wayleave.base.pki.Identity}), and {@link org.wayleave.base.pki.TlsFiles} turns the files into
 * gRPC credentials for either side.
 */
package org.wayleave.base.pki;
