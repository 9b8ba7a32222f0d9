import { StringDecoder } from 'node:string_decoder';

/**
 * Parses a stream of newline-separated JSON documents (pull progress, events) as they arrive.
 * Lines may split across chunks and multi-byte characters across lines; blank lines are skipped.
 */
export async function* jsonLines(chunks: AsyncIterable<Buffer>): AsyncGenerator<unknown> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of chunks) {
    pending += decoder.write(chunk);
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line) yield JSON.parse(line);
    }
  }
  const rest = (pending + decoder.end()).trim();
  if (rest) yield JSON.parse(rest);
}

/** The whole stream as text (for an error body on a streamed endpoint). */
export async function readText(chunks: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts).toString('utf8');
}
