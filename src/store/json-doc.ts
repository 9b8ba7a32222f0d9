/** Documents are stored as JSON text; parse them back to the type they were written as. */
export const toDoc = (value: unknown): string => JSON.stringify(value);
export const fromDoc = <T>(doc: string): T => JSON.parse(doc) as T;
