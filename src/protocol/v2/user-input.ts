import { lazySchema } from '../../util/lazy-schema.js';
import * as z from 'zod';

/** Image fidelity requested for an image input. */
export const ImageDetailSchema = lazySchema(() => z.enum(['auto', 'low', 'high', 'original']).meta({ id: 'ImageDetail' }));
export type ImageDetail = z.infer<typeof ImageDetailSchema>;

const ByteOffsetSchema = lazySchema(() => z.number().int().min(0).meta({ format: 'uint' }));

/** A half-open byte range `[start, end)` in a UTF-8 text buffer. */
export const ByteRangeSchema = lazySchema(() => z
  .object({ start: ByteOffsetSchema, end: ByteOffsetSchema })
  .meta({ id: 'ByteRange' }));
export type ByteRange = z.infer<typeof ByteRangeSchema>;

/** A UI element (mention, pasted block, …) embedded in a text input, located by byte range. */
export const TextElementSchema = lazySchema(() => z
  .object({
    byteRange: ByteRangeSchema.describe('Byte range in the parent `text` buffer that this element occupies.'),
    placeholder: z
      .string()
      .nullable()
      .optional()
      .describe('Optional human-readable placeholder for the element, displayed in the UI.'),
  })
  .meta({ id: 'TextElement' }));
export type TextElement = z.infer<typeof TextElementSchema>;

/**
 * A check for objects the reference reads as an untagged choice between keys (`{url} | {fileId}`,
 * `{image_url} | {file_id}`, `{fileId} | {result}`). A discriminated union cannot hold two options with the same
 * tag, so such variants declare every key optional and attach this check, which demands at least one of them.
 */
export function requireOneOf(...keys: readonly string[]): (value: object, ctx: z.RefinementCtx) => void {
  const expected = keys.map((key) => `\`${key}\``).join(' or ');
  return (value, ctx) => {
    const given = value as Record<string, unknown>;
    if (keys.every((key) => given[key] === undefined)) {
      ctx.addIssue({ code: 'custom', message: `data did not match any variant: expected ${expected}` });
    }
  };
}

/**
 * One piece of user input (turn/start, turn/steer, userMessage items). Tagged by `type`. A text input's
 * `text_elements` (snake_case on the wire) defaults to `[]`, which the server echoes back.
 */
export const UserInputSchema = lazySchema(() => z
  .discriminatedUnion('type', [
    z.object({
      type: z.literal('text'),
      text: z.string(),
      text_elements: z
        .array(TextElementSchema)
        .default([])
        .describe('UI-defined spans within `text` used to render or persist special elements.'),
    }),
    z
      .object({
        type: z.literal('image'),
        detail: ImageDetailSchema.nullable().optional(),
        url: z.string().optional(),
        fileId: z.string().optional(),
      })
      .superRefine(requireOneOf('url', 'fileId')),
    z.object({ type: z.literal('localImage'), path: z.string(), detail: ImageDetailSchema.nullable().optional() }),
    z
      .object({ type: z.literal('audio'), url: z.string().optional(), fileId: z.string().optional() })
      .superRefine(requireOneOf('url', 'fileId')),
    z.object({ type: z.literal('localAudio'), path: z.string() }),
    z.object({ type: z.literal('skill'), name: z.string(), path: z.string() }),
    z.object({ type: z.literal('mention'), name: z.string(), path: z.string() }),
  ])
  .meta({ id: 'UserInput' }));
/** A parsed input: `text_elements` is always present. */
export type UserInput = z.infer<typeof UserInputSchema>;
