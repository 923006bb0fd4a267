/**
 * Manifests: kubectl-style YAML documents ({@code kind} plus the object's fields in the protobuf
 * JSON mapping), read from files and directories with errors that name the file, document, line and
 * field, and rendered back for {@code get -o yaml|json}.
 */
package org.wayleave.cli.manifest;
