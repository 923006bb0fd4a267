// Circuit phases and alarm kinds as the dashboard shows them: every state has a colour (CSS class),
// a glyph (shape) and a word, so none is told apart by colour alone.

/** Worst first, as the summary's `worst` is computed. */
export const SEVERITY = [
  'CIRCUIT_PHASE_FAILED',
  'CIRCUIT_PHASE_DOWN',
  'CIRCUIT_PHASE_DRIFTED',
  'CIRCUIT_PHASE_DEGRADED',
  'CIRCUIT_PHASE_PROVISIONING',
  'CIRCUIT_PHASE_PENDING',
  'CIRCUIT_PHASE_DECOMMISSIONING',
  'CIRCUIT_PHASE_ACTIVE',
];

const PHASES = {
  CIRCUIT_PHASE_FAILED: { label: 'Failed', glyph: '✖', cls: 'failed', help: 'the agent refused the configuration' },
  CIRCUIT_PHASE_DOWN: { label: 'Down', glyph: '▼', cls: 'down', help: 'interface operationally down' },
  CIRCUIT_PHASE_DRIFTED: { label: 'Drifted', glyph: '◆', cls: 'drifted', help: 'the router differs from the plan' },
  CIRCUIT_PHASE_DEGRADED: { label: 'Degraded', glyph: '▲', cls: 'degraded', help: 'errors, or over the utilisation threshold' },
  CIRCUIT_PHASE_PROVISIONING: { label: 'Provisioning', short: 'Provis.', glyph: '◐', cls: 'provisioning', help: 'pushed, waiting for the agent' },
  CIRCUIT_PHASE_PENDING: { label: 'Pending', glyph: '○', cls: 'pending', help: 'accepted, not yet pushed' },
  CIRCUIT_PHASE_DECOMMISSIONING: { label: 'Decommissioning', short: 'Decomm.', glyph: '⊖', cls: 'decommissioning', help: 'being removed' },
  CIRCUIT_PHASE_ACTIVE: { label: 'Active', glyph: '●', cls: 'active', help: 'applied and link up' },
};

const NONE = { label: 'No circuits', glyph: '·', cls: 'none', help: 'no circuit' };
const UNKNOWN = { label: 'Unknown', glyph: '?', cls: 'none', help: 'phase not reported' };

/** Display facts of a phase name (`CIRCUIT_PHASE_DOWN`); '' means "no circuit". */
export function phase(name) {
  if (!name) return NONE;
  return PHASES[name] || UNKNOWN;
}

/** Rank for sorting, worst first; unknown phases sort last. */
export function severity(name) {
  const i = SEVERITY.indexOf(name);
  return i < 0 ? SEVERITY.length : i;
}

const ALARM_KINDS = {
  FAILED: { label: 'Failed', glyph: '✖', cls: 'failed' },
  DOWN: { label: 'Down', glyph: '▼', cls: 'down' },
  DRIFTED: { label: 'Drifted', glyph: '◆', cls: 'drifted' },
  DEGRADED: { label: 'Degraded', glyph: '▲', cls: 'degraded' },
  UNREACHABLE: { label: 'Unreachable', glyph: '⊘', cls: 'unreachable' },
};

/** Display facts of an alarm kind (`DOWN`, `UNREACHABLE`, ...). */
export function alarmKind(kind) {
  return ALARM_KINDS[kind] || { label: kind || 'Alarm', glyph: '!', cls: 'none' };
}
