import { PyExecError } from '../core/errors.js';

/** What a requirement string may be besides a name with specifiers, when the caller allows it. */
export interface RequirementPolicy {
  /** `name @ https://…` direct references. @default false */
  readonly allowUrls?: boolean;
}

// PEP 508, the subset pip users write: a name, optional extras, optional version specifiers, an
// optional environment marker. Everything is matched whole; nothing else reaches pip.
const NAME = '[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?';
const EXTRAS = `\\[\\s*${NAME}(?:\\s*,\\s*${NAME})*\\s*\\]`;
const VERSION = '[A-Za-z0-9][A-Za-z0-9.*+!_-]*';
const SPECIFIER = `(?:~=|===|==|!=|<=|>=|<|>)\\s*${VERSION}`;
const SPECIFIERS = `${SPECIFIER}(?:\\s*,\\s*${SPECIFIER})*`;
const MARKER_VARIABLE =
  'python_version|python_full_version|os_name|sys_platform|platform_release|platform_system|platform_version|platform_machine|platform_python_implementation|implementation_name|implementation_version|extra';
const MARKER_VALUE = `(?:${MARKER_VARIABLE}|'[A-Za-z0-9 ._*+!-]*'|"[A-Za-z0-9 ._*+!-]*")`;
const MARKER_OP = '(?:===|==|!=|<=|>=|~=|<|>|not\\s+in|in)';
const MARKER_ATOM = `\\(*\\s*${MARKER_VALUE}\\s*${MARKER_OP}\\s*${MARKER_VALUE}\\s*\\)*`;
const MARKER = `${MARKER_ATOM}(?:\\s+(?:and|or)\\s+${MARKER_ATOM})*`;
const URL = 'https://[A-Za-z0-9._~:/?#\\[\\]@!$&()*+,;=%-]+';

const PLAIN = new RegExp(
  `^(${NAME})\\s*(?:${EXTRAS})?\\s*(?:\\(\\s*${SPECIFIERS}\\s*\\)|${SPECIFIERS})?\\s*(?:;\\s*${MARKER})?$`,
);
const DIRECT = new RegExp(`^(${NAME})\\s*(?:${EXTRAS})?\\s*@\\s*${URL}(?:\\s+;\\s*${MARKER})?$`);
const MAX_LENGTH = 300;
// To pip, a "name" ending like this is a file to install (an sdist's setup.py runs).
const ARCHIVE = /\.(?:whl|zip|tar|tgz|tbz|tbz2|txz|tlz|tar\.gz|tar\.bz2|tar\.xz|tar\.lz|tar\.zst|egg|exe)$/i;

/**
 * Checks requirement strings before anything runs: PEP 508 names, extras, version specifiers and
 * markers; nothing that starts with `-` (pip would take it as an option), no paths, no URLs
 * unless allowed (and then https only), no newline or shell metacharacter outside a marker's
 * quotes, at most 300 characters each. Throws INVALID_REQUIREMENT naming the bad entry.
 */
export function validateRequirements(requirements: unknown, policy: RequirementPolicy = {}): string[] {
  if (!Array.isArray(requirements) || requirements.length === 0) {
    throw new PyExecError(
      'INVALID_REQUIREMENT',
      `Expected \`requirements\` to be a non-empty array of requirement strings, got \`${show(requirements)}\``,
    );
  }
  return requirements.map((requirement, index) => validateRequirement(requirement, index, policy));
}

function validateRequirement(requirement: unknown, index: number, policy: RequirementPolicy): string {
  const where = `requirements[${index}]`;
  if (typeof requirement !== 'string') throw invalid(where, requirement, 'is not a string');
  const text = requirement.trim();
  if (text.length === 0) throw invalid(where, requirement, 'is empty');
  if (text.length > MAX_LENGTH)
    throw invalid(where, `${text.slice(0, 40)}…`, `is longer than ${MAX_LENGTH} characters`);
  if (text.startsWith('-')) throw invalid(where, requirement, 'starts with `-` (pip would read it as an option)');
  if (/[\r\n\0]/.test(text)) throw invalid(where, requirement, 'holds a line break or NUL');
  const first = text.split(/[\s;@[(<>=!~]/)[0] as string;
  if (ARCHIVE.test(first) && !/[/\\]/.test(first)) {
    throw invalid(
      where,
      requirement,
      'ends like an archive (pip would install the file of that name; install a built wheel through `findLinks`)',
    );
  }
  if (PLAIN.test(text)) return text;
  if (/^[^\s;@]+\s*(?:\[[^\]]*\])?\s*@/.test(text)) {
    if (policy.allowUrls === true && DIRECT.test(text)) return text;
    throw invalid(where, requirement, 'is a URL requirement (https only, and only with `allowUrls: true`)');
  }
  if (/^[.~]|[/\\]/.test(text.split(/[\s;]/)[0] as string))
    throw invalid(where, requirement, 'looks like a path (install a built wheel through `findLinks`)');
  throw invalid(
    where,
    requirement,
    'is not a PEP 508 requirement (`name`, `name[extra]>=1.0,<2`, `name==1.0; python_version >= "3.9"`)',
  );
}

/** The distribution name of a valid requirement, normalized as PEP 503 does (for comparisons). */
export function requirementName(requirement: string): string {
  const match = /^[A-Za-z0-9._-]+/.exec(requirement);
  return normalizeDistributionName(match ? match[0] : requirement);
}

/** PEP 503 normalization: lower case, runs of `-`, `_`, `.` become one `-`. */
export function normalizeDistributionName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

function invalid(where: string, value: unknown, why: string): PyExecError {
  return new PyExecError('INVALID_REQUIREMENT', `The requirement \`${where}\` (\`${show(value)}\`) ${why}`);
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return (text ?? String(value)).replace(/[\r\n]/g, '\\n').slice(0, 80);
}
