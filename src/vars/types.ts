/** Variables are plain JSON-like data. */
export type Vars = Record<string, unknown>;
