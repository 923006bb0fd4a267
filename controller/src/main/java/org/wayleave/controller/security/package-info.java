/**
 * Who may do what: the caller from its verified certificate ({@link
 * org.wayleave.controller.security.Authenticate}), the access policy file (role overrides, refused
 * identities, supplier councils, HTTP tokens, rate limits) and the per-principal rate limiter.
 */
package org.wayleave.controller.security;
