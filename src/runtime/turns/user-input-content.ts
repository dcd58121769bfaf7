import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { UserInput } from '../../protocol/v2/user-input.js';

/** What a user typed or attached, as the model receives it, and as a thread's preview shows it. */

const IMAGE_TYPES: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
};

/** User input as Responses-API message content. Local images are inlined as data URLs. */
export async function modelContent(input: readonly UserInput[]): Promise<Record<string, unknown>[]> {
  const content: Record<string, unknown>[] = [];
  for (const part of input) {
    switch (part.type) {
      case 'text':
        content.push({ type: 'input_text', text: part.text });
        break;
      case 'image':
        content.push(
          part.url === undefined
            ? { type: 'input_image', file_id: part.fileId }
            : { type: 'input_image', image_url: part.url, ...(part.detail ? { detail: part.detail } : {}) },
        );
        break;
      case 'localImage': {
        const mime = IMAGE_TYPES[extname(part.path).toLowerCase()];
        try {
          if (mime === undefined) throw new Error('unsupported image type');
          const data = await readFile(part.path);
          content.push({ type: 'input_image', image_url: `data:${mime};base64,${data.toString('base64')}` });
        } catch (error) {
          content.push({ type: 'input_text', text: `[image ${part.path} could not be read: ${String(error)}]` });
        }
        break;
      }
      case 'skill':
      case 'mention':
        content.push({ type: 'input_text', text: `[${part.type} ${part.name}: ${part.path}]` });
        break;
      case 'audio':
      case 'localAudio':
        content.push({ type: 'input_text', text: '[audio input is not supported by this server]' });
        break;
    }
  }
  return content;
}

/** A thread's preview: its first user message's text. */
export function previewOf(input: readonly UserInput[]): string {
  return input
    .flatMap((part) => (part.type === 'text' ? [part.text] : []))
    .join('\n');
}
