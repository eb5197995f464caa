import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { isAthenaError } from '@athena/core-types';

/**
 * A tool's answer: compact text for the model, and the same result as
 * structured content for programs (JSON: instants as ISO 8601 strings).
 */
export function toolResult(text: string, structured: Record<string, unknown>): CallToolResult {
  return {
    content: [{ type: 'text', text }],
    structuredContent: JSON.parse(JSON.stringify(structured)) as Record<string, unknown>,
  };
}

/**
 * A failed call as an MCP tool error (`isError`): the typed error's code and
 * message, so the model can correct its call; the server carries on.
 */
export function toolError(error: unknown): CallToolResult {
  const body = isAthenaError(error)
    ? { code: error.code, message: error.message, details: error.details }
    : { code: 'internal', message: error instanceof Error ? error.message : String(error) };
  const hint = isAthenaError(error) ? error.details['hint'] : undefined;
  return {
    isError: true,
    content: [
      {
        type: 'text',
        text: `${body.code}: ${body.message}${typeof hint === 'string' ? ` (${hint})` : ''}`,
      },
    ],
    structuredContent: JSON.parse(JSON.stringify({ error: body })) as Record<string, unknown>,
  };
}

/** Cuts `text` to one line of at most `max` characters. */
export function clip(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
