/** The {@code wayleave} command line: one launcher, a subcommand per process and verb. */
package org.wayleave.cli;
