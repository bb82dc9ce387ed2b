/** Environment variables as lib/ reads them: any record, so tests can pass their own. */
export type Env = Record<string, string | undefined>;
