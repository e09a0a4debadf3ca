// The package version (User-Agent, `datawarp --version`): read from package.json, inlined by the bundler.
import pkg from '../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;

/** The User-Agent every request of DataWarp sends: the version, and the repository running it when known
 * (the action names its own, `owner/name`). */
export function userAgent(repo = 'datawarp/datawarp'): string {
  return `DataWarp/${VERSION} (+https://github.com/${repo})`;
}
