/**
 * Secrets by reference: objects name a secret ({@code snmp/camden-auth}), never hold it; a {@link
 * org.wayleave.base.secrets.SecretProvider} resolves the name where it is used, and errors name
 * only the reference.
 */
package org.wayleave.base.secrets;
