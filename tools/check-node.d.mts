/** The oldest Node the scripts run on. */
export declare const MINIMUM_NODE: string;

/**
 * What to tell the user when Node `version` is too old for the scripts, or undefined when it will do.
 * `execPath`: the Node that runs; `localNode`: whether node_modules/.bin/node exists.
 */
export declare function checkNodeVersion(
  version: string,
  options: { readonly execPath: string; readonly localNode: boolean },
): string | undefined;
