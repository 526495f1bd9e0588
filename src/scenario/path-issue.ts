/** Where a problem is in a scenario document, and the problem (the loader maps it to file:line:col). */
export type IssuePath = readonly (string | number)[];

/** A problem at a place in the scenario document (mapped to file:line:col by the loader). */
export interface PathIssue {
  path: IssuePath;
  message: string;
  /** Point at the key of the last path element rather than its value. */
  atKey?: boolean;
}
