import type { LintOptions, PresetName, RuleDefinition, RuleSetting, Severity } from './types.js';

export interface EnabledRule {
  def: RuleDefinition;
  severity: Severity;
  options: Record<string, unknown>;
}

const PRESET_RANK: Record<PresetName, number> = { recommended: 0, strict: 1, all: 2 };

export const PRESETS: PresetName[] = ['recommended', 'strict', 'all'];

export function isPreset(name: string): name is PresetName {
  return (PRESETS as string[]).includes(name);
}

/** Rules on in a preset, with their default severities. */
export function presetRules(rules: RuleDefinition[], preset: PresetName): RuleDefinition[] {
  return rules.filter((r) => PRESET_RANK[r.preset] <= PRESET_RANK[preset]);
}

/** The rules a run uses: the preset, then per-rule overrides. `syntax-error` is always on. */
export function resolveRules(rules: RuleDefinition[], options: LintOptions): EnabledRule[] {
  const preset = options.preset ?? 'recommended';
  const out = new Map<string, EnabledRule>();
  for (const def of presetRules(rules, preset)) out.set(def.id, { def, severity: def.severity, options: {} });
  for (const [id, setting] of Object.entries(options.rules ?? {})) {
    const def = rules.find((r) => r.id === id);
    if (!def) continue;
    const [sev, opts] = Array.isArray(setting) ? setting : [setting as RuleSetting, {}];
    if (sev === 'off') out.delete(id);
    else out.set(id, { def, severity: sev, options: opts ?? {} });
  }
  const syntax = rules.find((r) => r.id === 'syntax-error');
  if (syntax && !out.has('syntax-error')) out.set('syntax-error', { def: syntax, severity: 'error', options: {} });
  return [...out.values()];
}
