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

/**
 * Resolved rule sets by rule list, then by preset and rule settings: every file of a run asks
 * with equal settings (in a fresh object), and resolving them anew was ~1% of a corpus run.
 */
const resolved = new WeakMap<RuleDefinition[], Map<string, readonly EnabledRule[]>>();

/** The rules a run uses: the preset, then per-rule overrides. `syntax-error` is always on. (Shared: do not mutate.) */
export function resolveRules(rules: RuleDefinition[], options: LintOptions): readonly EnabledRule[] {
  // (only settings that are plain data have a faithful JSON key; a RegExp or a function has not)
  if (options.rules !== undefined && !isJsonData(options.rules)) return resolveRulesUncached(rules, options);
  let byKey = resolved.get(rules);
  if (!byKey) resolved.set(rules, (byKey = new Map()));
  const key = `${rules.length}\0${options.preset ?? 'recommended'}\0${JSON.stringify(options.rules ?? {})}`;
  let out = byKey.get(key);
  if (!out) byKey.set(key, (out = resolveRulesUncached(rules, options)));
  return out;
}

function isJsonData(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isJsonData);
  if (typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && Object.values(v).every(isJsonData);
}

function resolveRulesUncached(rules: RuleDefinition[], options: LintOptions): EnabledRule[] {
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
