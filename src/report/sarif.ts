/**
 * `--format sarif`: a SARIF 2.1.0 log for GitHub code scanning and other SARIF viewers.
 *
 * - tool.driver.rules lists every rule of the catalog (so `ruleIndex` is stable across runs),
 *   with the rule's summary, why, the safe alternative as help text/markdown, its default level
 *   and its preset/category.
 * - Columns and character offsets count UTF-16 code units (`run.columnKind`), as godwit's
 *   do; offsets index the text after a byte order mark.
 * - Paths are relative to the working directory, resolved against `%SRCROOT%`.
 * - `partialFingerprints["godwit/v1"]` is stable when lines shift (see common.ts).
 * - Mechanical fixes and suggestions become SARIF `fixes`.
 * - A file that cannot be read has no rule: it becomes an error notification of the
 *   invocation (`executionSuccessful: false`), not a result.
 */
import { pathToFileURL } from 'node:url';
import type { Fix, Log, Notification, Region, ReportingDescriptor, Result, Run } from 'sarif';
import { rules as catalog } from '../lint.js';
import { SourceText } from '../dialects/postgresql/source.js';
import type { Edit, LintResult, RuleDefinition } from '../engine/types.js';
import { coverage, displayPath, fingerprints, FINGERPRINT_KEY, isIoFailure, messageOffsets, packageInfo, positionAt, ruleDocsUrl, type PackageInfo, type ReportOptions } from './common.js';
import { ruleHelpMarkdown, ruleHelpText } from './rule-docs.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export interface SarifOptions extends ReportOptions {
  /** the rule catalog (default: godwit's rules) */
  rules?: RuleDefinition[];
  /** the tool's package info (default: godwit's package.json) */
  tool?: PackageInfo;
}

export function formatSarif(results: LintResult[], opts: SarifOptions = {}): string {
  return JSON.stringify(sarifLog(results, opts), null, 2) + '\n';
}

function sarifLog(results: LintResult[], opts: SarifOptions = {}): Log {
  const cwd = opts.cwd ?? process.cwd();
  const info = opts.tool ?? packageInfo();
  const ruleDefs = opts.rules ?? catalog;

  const descriptors: ReportingDescriptor[] = ruleDefs.map((r) => ruleDescriptor(r, info));
  const index = new Map(ruleDefs.map((r, i) => [r.id, i]));

  const sarifResults: Result[] = [];
  const notifications: Notification[] = [];
  for (const r of results) {
    const path = displayPath(r.filePath, cwd);
    const artifactLocation = artifactOf(path);
    const offsets = messageOffsets(r);
    const prints = fingerprints(r, path);
    const source = r.source === undefined ? undefined : new SourceText(r.source);
    r.messages.forEach((m, i) => {
      if (isIoFailure(m)) {
        notifications.push({
          level: 'error',
          message: { text: `${path}: ${m.message}` },
          locations: [{ physicalLocation: { artifactLocation } }],
        });
        return;
      }
      let ruleIndex = index.get(m.ruleId);
      if (ruleIndex === undefined) {
        // a rule outside the catalog (a plugin's): describe it minimally
        ruleIndex = descriptors.push({ id: m.ruleId, shortDescription: { text: m.ruleId } }) - 1;
        index.set(m.ruleId, ruleIndex);
      }
      const region: Region = { startLine: m.line, startColumn: m.column };
      const [start, end] = offsets?.[i] ?? [-1, -1];
      if (m.endLine > m.line || (m.endLine === m.line && m.endColumn > m.column)) {
        region.endLine = m.endLine;
        region.endColumn = m.endColumn;
        if (start >= 0) {
          region.charOffset = start;
          region.charLength = end - start;
        }
      }
      const result: Result = {
        ruleId: m.ruleId,
        ruleIndex,
        level: m.severity === 2 ? 'error' : 'warning',
        message: { text: m.message },
        locations: [{ physicalLocation: { artifactLocation, region } }],
        partialFingerprints: { [FINGERPRINT_KEY]: prints[i] },
      };
      const fixes: Fix[] = [];
      if (m.fix) fixes.push(sarifFix('Apply the mechanical fix (godwit lint --fix)', m.fix, artifactLocation, source));
      for (const s of m.suggestions ?? []) fixes.push(sarifFix(s.desc, s.fix, artifactLocation, source));
      if (fixes.length) result.fixes = fixes;
      const properties: Record<string, unknown> = {};
      if (m.lock) properties.lock = m.lock;
      if (m.plan) properties.plan = m.plan;
      if (m.fatal) properties.fatal = true;
      if (Object.keys(properties).length) result.properties = properties;
      sarifResults.push(result);
    });
  }

  const run: Run = {
    tool: {
      driver: {
        name: 'godwit',
        version: info.version,
        semanticVersion: info.version,
        ...(info.homepage ? { informationUri: info.homepage } : {}),
        rules: descriptors,
      },
    },
    invocations: [
      {
        executionSuccessful: notifications.length === 0,
        ...(notifications.length ? { toolExecutionNotifications: notifications } : {}),
      },
    ],
    originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(cwd).href.replace(/\/?$/, '/') } },
    columnKind: 'utf16CodeUnits',
    results: sarifResults,
    // coverage (CLI.md): files, statements analysed, calls not analysable (each also a dynamic-sql result)
    properties: { coverage: coverage(results) },
  };
  return { $schema: SARIF_SCHEMA, version: '2.1.0', runs: [run] };
}

function ruleDescriptor(r: RuleDefinition, info: PackageInfo): ReportingDescriptor {
  const helpUri = ruleDocsUrl(r.id, info);
  return {
    id: r.id,
    shortDescription: { text: r.docs.summary },
    fullDescription: { text: r.docs.why },
    help: { text: ruleHelpText(r), markdown: ruleHelpMarkdown(r, helpUri) },
    ...(helpUri ? { helpUri } : {}),
    defaultConfiguration: { level: r.severity === 'error' ? 'error' : 'warning', enabled: r.preset === 'recommended' },
    properties: {
      category: r.category,
      preset: r.preset,
      fixable: !!r.fixable,
      tags: ['postgresql', 'migrations', r.category],
    },
  };
}

/** A path as a SARIF URI reference: relative paths against %SRCROOT%, others as file: URIs. */
function artifactOf(path: string): { uri: string; uriBaseId?: string } {
  if (path.startsWith('/')) return { uri: pathToFileURL(path).href };
  if (/^[A-Za-z]:\//.test(path)) return { uri: pathToFileURL(path).href };
  return { uri: path.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

function sarifFix(description: string, edit: Edit, artifactLocation: { uri: string; uriBaseId?: string }, source: SourceText | undefined): Fix {
  const [start, end] = edit.range;
  const deletedRegion: Region = { charOffset: start, charLength: end - start };
  if (source) {
    const s = positionAt(source, start);
    const e = positionAt(source, end);
    Object.assign(deletedRegion, { startLine: s.line, startColumn: s.column, endLine: e.line, endColumn: e.column });
  }
  return {
    description: { text: description },
    artifactChanges: [{ artifactLocation, replacements: [{ deletedRegion, insertedContent: { text: edit.text } }] }],
  };
}
