import { problemResponse } from './problem.js';

/** Largest REST request body accepted, in bytes; larger ones get 413. */
export const MAX_REST_BODY_BYTES = 16 * 1024;
/** Deepest nesting of arrays and objects accepted in a REST body; deeper ones get 400. */
export const MAX_JSON_DEPTH = 32;

export type JsonBodyResult =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; response: Response };

/**
 * Reads a request body that must be a JSON object: checks the media type and encoding (415),
 * the size while streaming (413), UTF-8 and JSON syntax (400). Nothing is parsed before the
 * checks pass.
 */
export async function readJsonObject(request: Request): Promise<JsonBodyResult> {
  const unsupported = unsupportedContent(request.headers);
  if (unsupported) return fail('unsupported_media_type', unsupported);
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_REST_BODY_BYTES) return tooLarge();

  const bytes = await readLimited(request);
  if (!bytes) return tooLarge();

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('malformed_request', 'The request body is not valid UTF-8.');
  }
  if (nestingDepth(text) > MAX_JSON_DEPTH) {
    return fail(
      'malformed_request',
      `The request body nests arrays or objects deeper than ${MAX_JSON_DEPTH} levels.`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail(
      'malformed_request',
      `The request body is not valid JSON: ${(error as Error).message}`,
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return fail(
      'malformed_request',
      'The request body must be a JSON object, such as {"city": "Seattle"}.',
    );
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/**
 * Returns the deepest nesting of brackets outside strings, so that absurdly deep documents are
 * rejected before anything recurses over them.
 */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index];
    if (inString) {
      if (character === '\\') index += 1;
      else if (character === '"') inString = false;
    } else if (character === '"') {
      inString = true;
    } else if (character === '[' || character === '{') {
      depth += 1;
      deepest = Math.max(deepest, depth);
    } else if (character === ']' || character === '}') {
      depth -= 1;
    }
  }
  return deepest;
}

/**
 * Returns why the body's declared type or encoding is not accepted, or null. Only
 * `application/json` in UTF-8 without a content coding is read, as RFC 8259 requires UTF-8.
 */
function unsupportedContent(headers: Headers): string | null {
  const contentType = headers.get('content-type') ?? '';
  const [mediaType = '', ...parameters] = contentType.split(';').map((part) => part.trim());
  if (mediaType.toLowerCase() !== 'application/json') {
    const shown = contentType === '' ? 'no Content-Type' : `Content-Type "${contentType}"`;
    return `Expected Content-Type application/json, got ${shown}.`;
  }
  for (const parameter of parameters) {
    const [name = '', value = ''] = parameter.split('=').map((part) => part.trim());
    const charset = value.replace(/^"(.*)"$/, '$1').toLowerCase();
    if (name.toLowerCase() === 'charset' && charset !== 'utf-8' && charset !== 'utf8') {
      return `Unsupported charset "${value}": send the JSON body in UTF-8.`;
    }
  }
  const encoding = headers.get('content-encoding');
  if (encoding !== null && encoding.trim().toLowerCase() !== 'identity') {
    return `Unsupported Content-Encoding "${encoding}": send the body uncompressed.`;
  }
  return null;
}

/** Reads the body, or returns null as soon as it passes the limit. */
async function readLimited(request: Request): Promise<Uint8Array | null> {
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_REST_BODY_BYTES) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function tooLarge(): JsonBodyResult {
  return fail('payload_too_large', `The request body is larger than ${MAX_REST_BODY_BYTES} bytes.`);
}

function fail(code: Parameters<typeof problemResponse>[0], detail: string): JsonBodyResult {
  return { ok: false, response: problemResponse(code, detail) };
}
