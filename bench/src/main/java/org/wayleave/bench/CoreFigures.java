package org.wayleave.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What the core benchmark measured: each phase's figures, and the diagnostics section (null when
 * {@code --diag 0} skipped it).
 */
record CoreFigures(
    CreatePhase.Result create,
    Latency raw,
    RawSqliteCommit.Settings rawSettings,
    ApplyPhase.Result apply,
    ListPhase.Result list,
    ObjectNode diagnostics) {}
