import type { InstallResult } from '../packages/install.js';
import { normalizeDistributionName, requirementName, validateRequirements } from '../packages/requirements.js';
import { HttpError } from './http-errors.js';
import type { PythonExecutor } from '../executors/types.js';
import type { InstallPolicy } from './install-policy.js';

/**
 * Installs `requirements` for a caller when the server's `allowInstall` lets it: refused (403,
 * INSTALL_NOT_ALLOWED) when installs are off or a requirement names a distribution off the
 * `allow` list; validated first (400, INVALID_REQUIREMENT), so pip never sees an option or a URL.
 */
export async function installAllowed(
  executor: PythonExecutor,
  policy: InstallPolicy | undefined,
  requirements: unknown,
  signal?: AbortSignal,
): Promise<InstallResult> {
  if (policy === undefined)
    throw new HttpError(
      403,
      'INSTALL_NOT_ALLOWED',
      'This server does not install packages (see its `allowInstall` option)',
    );
  const checked = validateRequirements(requirements);
  for (const requirement of checked) {
    const name = normalizeDistributionName(requirementName(requirement));
    if (policy.allow !== undefined && !policy.allow.has(name))
      throw new HttpError(
        403,
        'INSTALL_NOT_ALLOWED',
        `\`${requirement}\` is not on this server's allowInstall.allow list (${[...policy.allow].join(', ') || 'empty'})`,
      );
  }
  return executor.installPackages(checked, { ...policy.source, signal });
}
