import type { UserInput } from '../../protocol/v2/user-input.js';
import { localImageParts, urlImageParts, type ContentPart, type ImageSupport } from './input-images.js';

/** What a user typed or attached, as the model receives it, and as a thread's preview shows it. */

/** User input as Responses-API message content, images shaped for the model (see input-images.ts). */
export async function modelContent(input: readonly UserInput[], images: ImageSupport): Promise<ContentPart[]> {
  const content: ContentPart[] = [];
  let imageNumber = 0;
  for (const part of input) {
    if (part.type === 'image' || part.type === 'localImage') imageNumber++;
    switch (part.type) {
      case 'text':
        content.push({ type: 'input_text', text: part.text });
        break;
      case 'image':
        if (part.url === undefined) content.push({ type: 'input_image', file_id: part.fileId });
        else content.push(...(await urlImageParts(part.url, part.detail, images)));
        break;
      case 'localImage':
        content.push(...(await localImageParts(part.path, imageNumber, part.detail, images)));
        break;
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

/** The input as its `userMessage` item shows it: an image's `detail` is always there, null when not asked. */
export function echoedInput(input: readonly UserInput[]): UserInput[] {
  return input.map((part) =>
    part.type === 'image' || part.type === 'localImage' ? { ...part, detail: part.detail ?? null } : part,
  );
}

/** A thread's preview: its first user message's text. */
export function previewOf(input: readonly UserInput[]): string {
  return input
    .flatMap((part) => (part.type === 'text' ? [part.text] : []))
    .join('\n');
}
